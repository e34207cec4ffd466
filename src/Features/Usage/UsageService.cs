using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Usage;

/// <summary>Reads consumption from the hourly rollups (never from raw events).</summary>
public sealed class UsageService(IDbContextFactory<TokenConsoleDbContext> dbFactory)
{
    public async Task<(IReadOnlyList<(int Id, string Name)> Models, IReadOnlyList<(int Id, string Code, string NameEn, string NameZh)> Packages)> FilterChoicesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var models = await db.Models.AsNoTracking().OrderBy(m => m.Name).Select(m => new { m.Id, m.Name }).ToListAsync(cancellationToken);
        var packages = await db.Packages.AsNoTracking().Where(p => p.ActiveVersionId != null).OrderBy(p => p.Code)
            .Select(p => new { p.Id, p.Code, p.ActiveVersion!.NameEn, p.ActiveVersion.NameZh }).ToListAsync(cancellationToken);
        return ([.. models.Select(m => (m.Id, m.Name))], [.. packages.Select(p => (p.Id, p.Code, p.NameEn, p.NameZh))]);
    }

    public async Task<(IReadOnlyList<Region> Regions, IReadOnlyList<Industry> Industries)> ReferenceAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return (await db.Regions.AsNoTracking().OrderBy(r => r.Code).ToListAsync(cancellationToken),
                await db.Industries.AsNoTracking().OrderBy(i => i.Code).ToListAsync(cancellationToken));
    }
}
