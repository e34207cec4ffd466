using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Compute;

/// <summary>
/// A refused change: <see cref="Exception.Message"/> is an English resource key formatted with <see cref="Args"/>,
/// <see cref="Field"/> names the form field it belongs next to (null: for the whole form), <see cref="Conflict"/> means
/// someone else changed the same thing first.
/// </summary>
public sealed class ComputeEditException(string message, string? field = null, params object[] args) : Exception(message)
{
    public const string StaleMessage = "This was changed by someone else after you opened it. Reload it; your change was not saved.";
    public string? Field { get; } = field;
    public object[] Args { get; } = args;
    public bool Conflict { get; init; }
    /// <summary>What the person must see and confirm before the change goes through (package names, model names …).</summary>
    public IReadOnlyList<string> NeedsConfirmation { get; init; } = [];
}

/// <summary>
/// Changes models, pools and deployments for Operations. Every method checks the caller's policy here on the server,
/// re-validates the form, enforces the capacity and primary-deployment rules, detects stale versions and saves the
/// change together with its audit entry (before/after) in one transaction.
/// </summary>
public sealed partial class ComputeEditService(
    IDbContextFactory<TokenConsoleDbContext> dbFactory, IAuthorizationService authorization, TimeProvider clock, IReferenceDataEvents events)
{
    public async Task<bool> CanEditAsync(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && (await authorization.AuthorizeAsync(user, Policies.EditCompute)).Succeeded;

    public async Task<AiModel> SaveModelAsync(ClaimsPrincipal user, ModelForm form, bool confirmWithdrawal = false, CancellationToken ct = default)
    {
        await RequireAsync(user);
        form.Code = form.Code?.Trim() ?? "";
        Throw(form.Validate());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Models.AnyAsync(m => m.Code == form.Code && m.Id != form.Id, ct))
        {
            throw new ComputeEditException("Another model already uses this code.", "code");
        }
        AiModel model;
        object? before = null;
        if (form.Id is { } id)
        {
            model = await db.Models.FirstOrDefaultAsync(m => m.Id == id, ct) ?? throw Stale();
            if (model.Version != form.Version) throw Stale();
            db.Entry(model).Property(m => m.Version).OriginalValue = form.Version;
            before = Snapshot(model);
        }
        else
        {
            model = new AiModel { Code = form.Code, Name = "", Vendor = "", Family = "" };
            db.Models.Add(model);
        }
        if (form.Status == ModelStatus.Withdrawn && model.Status != ModelStatus.Withdrawn && model.Id != 0)
        {
            var packages = await PackagesEntitlingAsync(db, model.Id, ct);
            if (packages.Count > 0 && !confirmWithdrawal)
            {
                throw new ComputeEditException("Packages on sale entitle this model: confirm to withdraw it anyway.") { NeedsConfirmation = packages };
            }
        }
        if (form.Status == ModelStatus.OnSale && (model.Id == 0 || model.Status != ModelStatus.OnSale)
            && (model.Id == 0 || !await db.Deployments.AnyAsync(d => d.ModelId == model.Id && d.Role == DeploymentRole.Primary && d.Pool!.Status == PoolStatus.Online, ct)))
        {
            throw new ComputeEditException("A model on sale needs a primary deployment on an online pool: map it first (keep it in preview until then).", "status");
        }
        model.Code = form.Code;
        model.Name = form.Name.Trim();
        model.Vendor = form.Vendor.Trim();
        model.Family = form.Family.Trim();
        model.Modality = form.Modality;
        model.ContextWindow = form.ContextWindow;
        model.Status = form.Status;
        model.InputCostPerMTok = form.InputCostPerMTok;
        model.OutputCostPerMTok = form.OutputCostPerMTok;
        await SaveAuditedAsync(db, user, before is null ? "compute.model.create" : "compute.model.edit", nameof(AiModel), () => model.Id, before, () => Snapshot(model), ct);
        return model;
    }

    /// <summary>The packages on sale (or scheduled) whose version entitles the model: withdrawing it must be confirmed against them.</summary>
    public async Task<IReadOnlyList<string>> PackagesEntitlingAsync(int modelId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await PackagesEntitlingAsync(db, modelId, ct);
    }

    private static async Task<IReadOnlyList<string>> PackagesEntitlingAsync(TokenConsoleDbContext db, int modelId, CancellationToken ct) =>
        await db.PackageVersions.AsNoTracking()
            .Where(v => (v.Status == PackageStatus.Active || v.Status == PackageStatus.Scheduled) && v.Package!.Status != PackageStatus.Retired
                        && v.Entitlements.Any(e => e.ModelId == modelId))
            .Select(v => v.Package!.Code).Distinct().OrderBy(c => c).ToListAsync(ct);

    /// <summary>Creates or edits a pool. Its status changes only through <see cref="ChangePoolStatusAsync"/> (with its impact).</summary>
    public async Task<ComputePool> SavePoolAsync(ClaimsPrincipal user, PoolForm form, CancellationToken ct = default)
    {
        await RequireAsync(user);
        form.Code = form.Code?.Trim() ?? "";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var regions = await db.Regions.Select(r => r.Code).ToListAsync(ct);
        var allocated = form.Id is { } poolId ? await db.Deployments.Where(d => d.PoolId == poolId).SumAsync(d => d.AllocatedTokensPerSecond, ct) : 0;
        var errors = form.Validate(regions, allocated);
        if (errors.Of("capacity") is { } capacityError && allocated > form.CapacityTokensPerSecond)
        {
            throw new ComputeEditException(capacityError, "capacity", allocated);
        }
        Throw(errors);
        if (await db.Pools.AnyAsync(p => p.Code == form.Code && p.Id != form.Id, ct))
        {
            throw new ComputeEditException("Another pool already uses this code.", "code");
        }
        ComputePool pool;
        object? before = null;
        if (form.Id is { } id)
        {
            pool = await db.Pools.FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw Stale();
            if (pool.Version != form.Version) throw Stale();
            db.Entry(pool).Property(p => p.Version).OriginalValue = form.Version;
            before = Snapshot(pool);
        }
        else
        {
            pool = new ComputePool { Code = form.Code, Name = "", NameZh = "", RegionCode = form.RegionCode, AcceleratorKind = "", Status = PoolStatus.Online };
            db.Pools.Add(pool);
        }
        pool.Code = form.Code;
        pool.Name = form.Name.Trim();
        pool.NameZh = form.NameZh.Trim();
        pool.RegionCode = form.RegionCode;
        pool.Tier = form.Tier;
        pool.AcceleratorKind = form.AcceleratorKind.Trim();
        pool.AcceleratorCount = form.AcceleratorCount;
        pool.CapacityTokensPerSecond = form.CapacityTokensPerSecond;
        pool.CostPerHour = form.CostPerHour;
        // A capacity cut and a new allocation on the same pool race: touching the pool's token makes one of them stale.
        await SaveAuditedAsync(db, user, before is null ? "compute.pool.create" : "compute.pool.edit", nameof(ComputePool), () => pool.Id, before, () => Snapshot(pool), ct);
        return pool;
    }

    /// <summary>
    /// Sets a pool's status. Leaving an on-sale model without a primary deployment on an online pool is allowed here —
    /// a pool that is down must be shown as down, whatever it served — but only with <paramref name="confirmed"/>, after
    /// the person has seen <see cref="ImpactOfAsync"/>; without it the change is refused and nothing is saved.
    /// </summary>
    public async Task<ComputePool> ChangePoolStatusAsync(ClaimsPrincipal user, int poolId, uint version, PoolStatus status, bool confirmed, CancellationToken ct = default)
    {
        await RequireAsync(user);
        if (!Enum.IsDefined(status)) throw new ComputeEditException("Choose a status.", "status");
        var impact = await ImpactOfAsync(poolId, status, ct);
        if (impact.ModelsWithoutPrimary.Count > 0 && !confirmed)
        {
            throw new ComputeEditException("Models on sale would be left without a primary deployment on an online pool: confirm to go ahead.")
            { NeedsConfirmation = [.. impact.ModelsWithoutPrimary.Select(m => m.Name)] };
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pool = await db.Pools.FirstOrDefaultAsync(p => p.Id == poolId, ct) ?? throw Stale();
        if (pool.Version != version) throw Stale();
        db.Entry(pool).Property(p => p.Version).OriginalValue = version;
        var before = Snapshot(pool);
        pool.Status = status;
        db.Entry(pool).Property(p => p.Version).IsModified = true;
        await SaveAuditedAsync(db, user, "compute.pool.status", nameof(ComputePool), () => pool.Id, before,
            () => new { Pool = Snapshot(pool), Confirmed = confirmed, ModelsLeftWithoutPrimary = impact.ModelsWithoutPrimary.Select(m => m.Code).ToArray() }, ct);
        return pool;
    }

    /// <summary>Adds (no <see cref="DeploymentForm.Id"/>) or edits the deployment of a model on a pool.</summary>
    public async Task<Deployment> SaveDeploymentAsync(ClaimsPrincipal user, DeploymentForm form, CancellationToken ct = default)
    {
        await RequireAsync(user);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pool = await db.Pools.FirstOrDefaultAsync(p => p.Id == form.PoolId, ct) ?? throw new ComputeEditException("This pool no longer exists.");
        var model = await db.Models.FirstOrDefaultAsync(m => m.Id == form.ModelId, ct) ?? throw new ComputeEditException("This model no longer exists.");
        var others = await db.Deployments.Where(d => d.PoolId == pool.Id && d.Id != form.Id).SumAsync(d => d.AllocatedTokensPerSecond, ct);
        var free = Math.Max(0, pool.CapacityTokensPerSecond - others);
        var regions = await db.Regions.Select(r => r.Code).ToListAsync(ct);
        var errors = form.Validate(free, regions);
        if (errors.Of("allocated") is { } allocationError && form.AllocatedTokensPerSecond > free)
        {
            throw new ComputeEditException(allocationError, "allocated", free);
        }
        Throw(errors);
        Deployment deployment;
        object? before = null;
        if (form.Id is { } id)
        {
            deployment = await db.Deployments.FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw Stale();
            if (deployment.Version != form.Version || deployment.ModelId != form.ModelId || deployment.PoolId != form.PoolId) throw Stale();
            db.Entry(deployment).Property(d => d.Version).OriginalValue = form.Version;
            before = Snapshot(deployment, model, pool);
            if (deployment.Role == DeploymentRole.Primary && form.Role == DeploymentRole.Failover)
            {
                await RequireAnotherPrimaryAsync(db, model, deployment, pool, "demote", ct);
            }
        }
        else
        {
            if (await db.Deployments.AnyAsync(d => d.ModelId == form.ModelId && d.PoolId == form.PoolId, ct)) throw Stale();
            deployment = new Deployment { ModelId = model.Id, PoolId = pool.Id };
            db.Deployments.Add(deployment);
        }
        deployment.AllocatedTokensPerSecond = form.AllocatedTokensPerSecond;
        deployment.RoutingWeight = form.RoutingWeight;
        deployment.Role = form.Role;
        deployment.ResidencyRegions = form.ResidencyRegions.Count == 0 ? null : string.Join(',', form.ResidencyRegions.Order(StringComparer.Ordinal));
        // Two allocations on one pool at the same time could each fit alone and overflow together: both bump the pool's
        // token, so the second one is stale and is checked again against the first.
        db.Entry(pool).Property(p => p.Version).IsModified = true;
        await SaveAuditedAsync(db, user, before is null ? "compute.deployment.add" : "compute.deployment.edit", nameof(Deployment), () => deployment.Id,
            before, () => Snapshot(deployment, model, pool), ct);
        return deployment;
    }

    public async Task RemoveDeploymentAsync(ClaimsPrincipal user, int deploymentId, uint version, CancellationToken ct = default)
    {
        await RequireAsync(user);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var deployment = await db.Deployments.Include(d => d.Model).Include(d => d.Pool).FirstOrDefaultAsync(d => d.Id == deploymentId, ct) ?? throw Stale();
        if (deployment.Version != version) throw Stale();
        db.Entry(deployment).Property(d => d.Version).OriginalValue = version;
        if (deployment.Role == DeploymentRole.Primary)
        {
            await RequireAnotherPrimaryAsync(db, deployment.Model!, deployment, deployment.Pool!, "remove", ct);
        }
        var before = Snapshot(deployment, deployment.Model!, deployment.Pool!);
        db.Deployments.Remove(deployment);
        db.Entry(deployment.Pool!).Property(p => p.Version).IsModified = true;
        await SaveAuditedAsync(db, user, "compute.deployment.remove", nameof(Deployment), () => deploymentId, before, () => null, ct);
    }

    /// <summary>Every model on sale keeps at least one primary deployment on an online pool (PRODUCT.md, Deployment).</summary>
    private static async Task RequireAnotherPrimaryAsync(TokenConsoleDbContext db, AiModel model, Deployment deployment, ComputePool pool, string what, CancellationToken ct)
    {
        if (model.Status != ModelStatus.OnSale || pool.Status != PoolStatus.Online)
        {
            return;
        }
        var another = await db.Deployments.AnyAsync(d => d.ModelId == model.Id && d.Id != deployment.Id && d.Role == DeploymentRole.Primary && d.Pool!.Status == PoolStatus.Online, ct);
        if (!another)
        {
            throw new ComputeEditException(what == "remove"
                ? "This is the last primary deployment on an online pool of a model on sale: add another primary first, or withdraw the model."
                : "This is the last primary deployment on an online pool of a model on sale: it cannot become a failover until another primary exists.", what == "remove" ? null : "role");
        }
    }

    private async Task SaveAuditedAsync(TokenConsoleDbContext db, ClaimsPrincipal user, string action, string entityType, Func<int> id, object? before,
        Func<object?> after, CancellationToken ct)
    {
        try
        {
            // Two saves (the audit entry needs the new id), one transaction: the change and its record land together or not at all.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            Audit.Record(db, clock, UserDisplay.Actor(user), action, entityType, id().ToString(CultureInfo.InvariantCulture), before, after());
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            // Ingestion's routing, the price book (model costs) and the cached alerts follow at once.
            await events.PublishAsync(entityType switch { nameof(AiModel) => ReferenceDataKind.Model, nameof(ComputePool) => ReferenceDataKind.Pool, _ => ReferenceDataKind.Deployment });
        }
        catch (DbUpdateConcurrencyException)
        {
            throw Stale();
        }
        catch (DbUpdateException)
        {
            // A unique index (a code, or a model already on the pool) taken by someone else in the meantime.
            throw Stale();
        }
    }

    private async Task RequireAsync(ClaimsPrincipal user)
    {
        if (!await CanEditAsync(user)) throw new ComputeEditException("You are not allowed to do this.");
    }

    private static ComputeEditException Stale() => new(ComputeEditException.StaleMessage) { Conflict = true };

    private static void Throw(FieldErrors errors)
    {
        if (!errors.IsValid)
        {
            var (field, key) = errors.First();
            throw new ComputeEditException(key, field);
        }
    }

    public static IReadOnlyCollection<string> SplitRegions(string? regions) =>
        string.IsNullOrWhiteSpace(regions) ? [] : regions.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static object Snapshot(AiModel m) => new
    {
        m.Code, m.Name, m.Vendor, m.Family, Modality = m.Modality.ToString(), m.ContextWindow, Status = m.Status.ToString(), m.InputCostPerMTok, m.OutputCostPerMTok,
    };

    private static object Snapshot(ComputePool p) => new
    {
        p.Code, p.Name, p.NameZh, p.RegionCode, Tier = p.Tier.ToString(), p.AcceleratorKind, p.AcceleratorCount, p.CapacityTokensPerSecond, p.CostPerHour,
        Status = p.Status.ToString(),
    };

    private static object Snapshot(Deployment d, AiModel m, ComputePool p) => new
    {
        Model = m.Code, Pool = p.Code, d.AllocatedTokensPerSecond, d.RoutingWeight, Role = d.Role.ToString(), d.ResidencyRegions,
    };
}
