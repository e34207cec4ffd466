using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Compute;

public sealed record ModelRow(AiModel Model, int PrimaryDeployments, int FailoverDeployments);

/// <summary>Reads the models with their deployments (pools with their load: <see cref="CapacityService"/>).</summary>
public sealed class ComputeService(IDbContextFactory<TokenConsoleDbContext> dbFactory)
{
    public async Task<IReadOnlyList<ModelRow>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var models = await db.Models.AsNoTracking().OrderBy(m => m.Name).ToListAsync(cancellationToken);
        var deployments = await db.Deployments.AsNoTracking().ToListAsync(cancellationToken);
        return [.. models.Select(m => new ModelRow(m,
            deployments.Count(d => d.ModelId == m.Id && d.Role == DeploymentRole.Primary),
            deployments.Count(d => d.ModelId == m.Id && d.Role == DeploymentRole.Failover)))];
    }
}
