using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Compute;

/// <summary>
/// Changes models, pools and deployments for Operations, through the one write path (<see cref="AuditedWriter"/>): the
/// person's current policy, the form re-validated, the capacity and primary-deployment rules, stale versions as conflicts,
/// and the change with its audit entry (before/after of the same shape) in one transaction.
/// </summary>
public sealed partial class ComputeEditService(
    IDbContextFactory<TokenConsoleDbContext> dbFactory, IAuthorizationService authorization, TimeProvider clock, AuditedWriter writer,
    IReferenceDataEvents events)
{
    public async Task<bool> CanEditAsync(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && (await authorization.AuthorizeAsync(user, Policies.EditCompute)).Succeeded;

    public Task<WriteResult<AiModel>> SaveModelAsync(ClaimsPrincipal user, ModelForm form, bool confirmWithdrawal = false, CancellationToken ct = default) =>
        WriteAsync<AiModel>(user, ReferenceDataKind.Model, async w =>
        {
            var db = w.Db;
            form.Code = form.Code?.Trim() ?? "";
            if (FirstError(form.Validate()) is { } invalid)
            {
                return invalid;
            }
            if (await db.Models.AnyAsync(m => m.Code == form.Code && m.Id != form.Id, ct))
            {
                return new Refusal("Another model already uses this code.", "code");
            }
            AiModel model;
            ModelSnapshot? before = null;
            if (form.Id is { } id)
            {
                var existing = await db.Models.FirstOrDefaultAsync(m => m.Id == id, ct);
                if (existing is null || existing.Version != form.Version)
                {
                    return Refusal.Stale;
                }
                model = existing;
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
                    return new Refusal("Packages on sale entitle this model: confirm to withdraw it anyway.") { NeedsConfirmation = packages };
                }
            }
            if (form.Status == ModelStatus.OnSale && (model.Id == 0 || model.Status != ModelStatus.OnSale)
                && (model.Id == 0 || !await db.Deployments.AnyAsync(d => d.ModelId == model.Id && d.Role == DeploymentRole.Primary && d.Pool!.Status == PoolStatus.Online, ct)))
            {
                return new Refusal("A model on sale needs a primary deployment on an online pool: map it first (keep it in preview until then).", "status");
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
            w.Audit(before is null ? AuditActions.ModelCreated : AuditActions.ModelEdited, nameof(AiModel), () => Key(model.Id), before, () => Snapshot(model));
            return model;
        }, ct);

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
    public Task<WriteResult<ComputePool>> SavePoolAsync(ClaimsPrincipal user, PoolForm form, CancellationToken ct = default) =>
        WriteAsync<ComputePool>(user, ReferenceDataKind.Pool, async w =>
        {
            var db = w.Db;
            form.Code = form.Code?.Trim() ?? "";
            var regions = await db.Regions.Select(r => r.Code).ToListAsync(ct);
            var allocated = form.Id is { } poolId ? await db.Deployments.Where(d => d.PoolId == poolId).SumAsync(d => d.AllocatedTokensPerSecond, ct) : 0;
            var errors = form.Validate(regions, allocated);
            if (errors.Of("capacity") is { } capacityError && allocated > form.CapacityTokensPerSecond)
            {
                return new Refusal(capacityError, "capacity", allocated);
            }
            if (FirstError(errors) is { } invalid)
            {
                return invalid;
            }
            if (await db.Pools.AnyAsync(p => p.Code == form.Code && p.Id != form.Id, ct))
            {
                return new Refusal("Another pool already uses this code.", "code");
            }
            ComputePool pool;
            PoolSnapshot? before = null;
            if (form.Id is { } id)
            {
                var existing = await db.Pools.FirstOrDefaultAsync(p => p.Id == id, ct);
                if (existing is null || existing.Version != form.Version)
                {
                    return Refusal.Stale;
                }
                pool = existing;
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
            w.Audit(before is null ? AuditActions.PoolCreated : AuditActions.PoolEdited, nameof(ComputePool), () => Key(pool.Id), before, () => Snapshot(pool));
            return pool;
        }, ct);

    /// <summary>
    /// Sets a pool's status. Leaving an on-sale model without a primary deployment on an online pool is allowed here —
    /// a pool that is down must be shown as down, whatever it served — but only with <paramref name="confirmed"/>, after
    /// the person has seen <see cref="ImpactOfAsync"/>; without it the change is refused and nothing is saved.
    /// </summary>
    public Task<WriteResult<ComputePool>> ChangePoolStatusAsync(ClaimsPrincipal user, int poolId, uint version, PoolStatus status, bool confirmed, CancellationToken ct = default) =>
        WriteAsync<ComputePool>(user, ReferenceDataKind.Pool, async w =>
        {
            if (!Enum.IsDefined(status))
            {
                return new Refusal("Choose a status.", "status");
            }
            var db = w.Db;
            var pool = await db.Pools.FirstOrDefaultAsync(p => p.Id == poolId, ct);
            if (pool is null || pool.Version != version)
            {
                return Refusal.Stale;
            }
            var impact = await ImpactOfAsync(poolId, status, ct);
            if (impact.ModelsWithoutPrimary.Count > 0 && !confirmed)
            {
                return new Refusal("Models on sale would be left without a primary deployment on an online pool: confirm to go ahead.")
                { NeedsConfirmation = [.. impact.ModelsWithoutPrimary.Select(m => m.Name)] };
            }
            db.Entry(pool).Property(p => p.Version).OriginalValue = version;
            var before = Snapshot(pool);
            pool.Status = status;
            db.Entry(pool).Property(p => p.Version).IsModified = true;
            // The same shape before and after (the pool), so the log shows the status that changed and, when the person
            // confirmed it, the models left without a primary (a refusal saves nothing, so a list here was confirmed).
            w.Audit(AuditActions.PoolStatusChanged, nameof(ComputePool), Key(pool.Id), before,
                Snapshot(pool) with { ModelsLeftWithoutPrimary = [.. impact.ModelsWithoutPrimary.Select(m => m.Code)] });
            return pool;
        }, ct);

    /// <summary>Adds (no <see cref="DeploymentForm.Id"/>) or edits the deployment of a model on a pool.</summary>
    public Task<WriteResult<Deployment>> SaveDeploymentAsync(ClaimsPrincipal user, DeploymentForm form, CancellationToken ct = default) =>
        WriteAsync<Deployment>(user, ReferenceDataKind.Deployment, async w =>
        {
            var db = w.Db;
            var pool = await db.Pools.FirstOrDefaultAsync(p => p.Id == form.PoolId, ct);
            if (pool is null)
            {
                return new Refusal("This pool no longer exists.");
            }
            var model = await db.Models.FirstOrDefaultAsync(m => m.Id == form.ModelId, ct);
            if (model is null)
            {
                return new Refusal("This model no longer exists.");
            }
            var others = await db.Deployments.Where(d => d.PoolId == pool.Id && d.Id != form.Id).SumAsync(d => d.AllocatedTokensPerSecond, ct);
            var free = Math.Max(0, pool.CapacityTokensPerSecond - others);
            var regions = await db.Regions.Select(r => r.Code).ToListAsync(ct);
            var errors = form.Validate(free, regions);
            if (errors.Of("allocated") is { } allocationError && form.AllocatedTokensPerSecond > free)
            {
                return new Refusal(allocationError, "allocated", free);
            }
            if (FirstError(errors) is { } invalid)
            {
                return invalid;
            }
            Deployment deployment;
            DeploymentSnapshot? before = null;
            if (form.Id is { } id)
            {
                var existing = await db.Deployments.FirstOrDefaultAsync(d => d.Id == id, ct);
                if (existing is null || existing.Version != form.Version || existing.ModelId != form.ModelId || existing.PoolId != form.PoolId)
                {
                    return Refusal.Stale;
                }
                deployment = existing;
                db.Entry(deployment).Property(d => d.Version).OriginalValue = form.Version;
                before = Snapshot(deployment, model, pool);
                if (deployment.Role == DeploymentRole.Primary && form.Role == DeploymentRole.Failover
                    && await RefuseLastPrimaryAsync(db, model, deployment, pool, removing: false, ct) is { } lastPrimary)
                {
                    return lastPrimary;
                }
            }
            else
            {
                if (await db.Deployments.AnyAsync(d => d.ModelId == form.ModelId && d.PoolId == form.PoolId, ct))
                {
                    return Refusal.Stale;
                }
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
            w.Audit(before is null ? AuditActions.DeploymentAdded : AuditActions.DeploymentEdited, nameof(Deployment), () => Key(deployment.Id),
                before, () => Snapshot(deployment, model, pool));
            return deployment;
        }, ct);

    public Task<WriteResult<Done>> RemoveDeploymentAsync(ClaimsPrincipal user, int deploymentId, uint version, CancellationToken ct = default) =>
        WriteAsync<Done>(user, ReferenceDataKind.Deployment, async w =>
        {
            var db = w.Db;
            var deployment = await db.Deployments.Include(d => d.Model).Include(d => d.Pool).FirstOrDefaultAsync(d => d.Id == deploymentId, ct);
            if (deployment is null || deployment.Version != version)
            {
                return Refusal.Stale;
            }
            db.Entry(deployment).Property(d => d.Version).OriginalValue = version;
            if (deployment.Role == DeploymentRole.Primary && await RefuseLastPrimaryAsync(db, deployment.Model!, deployment, deployment.Pool!, removing: true, ct) is { } lastPrimary)
            {
                return lastPrimary;
            }
            var before = Snapshot(deployment, deployment.Model!, deployment.Pool!);
            db.Deployments.Remove(deployment);
            db.Entry(deployment.Pool!).Property(p => p.Version).IsModified = true;
            w.Audit(AuditActions.DeploymentRemoved, nameof(Deployment), Key(deploymentId), before, null);
            return Done.Value;
        }, ct);

    /// <summary>Every model on sale keeps at least one primary deployment on an online pool (PRODUCT.md, Deployment).</summary>
    private static async Task<Refusal?> RefuseLastPrimaryAsync(TokenConsoleDbContext db, AiModel model, Deployment deployment, ComputePool pool, bool removing, CancellationToken ct)
    {
        if (model.Status != ModelStatus.OnSale || pool.Status != PoolStatus.Online)
        {
            return null;
        }
        var another = await db.Deployments.AnyAsync(d => d.ModelId == model.Id && d.Id != deployment.Id && d.Role == DeploymentRole.Primary && d.Pool!.Status == PoolStatus.Online, ct);
        if (another)
        {
            return null;
        }
        return removing
            ? new Refusal("This is the last primary deployment on an online pool of a model on sale: add another primary first, or withdraw the model.")
            : new Refusal("This is the last primary deployment on an online pool of a model on sale: it cannot become a failover until another primary exists.", "role");
    }

    private async Task<WriteResult<T>> WriteAsync<T>(ClaimsPrincipal user, ReferenceDataKind kind, Func<WriteContext, Task<WriteResult<T>>> change, CancellationToken ct)
    {
        var result = await writer.WriteAsync(user, Policies.EditCompute, change, ct);
        if (result.Succeeded)
        {
            // Ingestion's routing, the price book (model costs) and the cached alerts follow at once.
            await events.PublishAsync(kind);
        }
        return result;
    }

    private static Refusal? FirstError(FieldErrors errors)
    {
        if (errors.IsValid)
        {
            return null;
        }
        var (field, key) = errors.First();
        return new Refusal(key, field);
    }

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);

    public static IReadOnlyCollection<string> SplitRegions(string? regions) =>
        string.IsNullOrWhiteSpace(regions) ? [] : regions.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static ModelSnapshot Snapshot(AiModel m) =>
        new(m.Code, m.Name, m.Vendor, m.Family, m.Modality, m.ContextWindow, m.Status, m.InputCostPerMTok, m.OutputCostPerMTok);

    private static PoolSnapshot Snapshot(ComputePool p) =>
        new(p.Code, p.Name, p.NameZh, p.RegionCode, p.Tier, p.AcceleratorKind, p.AcceleratorCount, p.CapacityTokensPerSecond, p.CostPerHour, p.Status);

    private static DeploymentSnapshot Snapshot(Deployment d, AiModel m, ComputePool p) =>
        new(m.Code, p.Code, d.AllocatedTokensPerSecond, d.RoutingWeight, d.Role, d.ResidencyRegions);
}

/// <summary>What the audit log records of a model, before and after a change (one shape, enums by name).</summary>
public sealed record ModelSnapshot(string Code, string Name, string Vendor, string Family, Modality Modality, int ContextWindow, ModelStatus Status,
    decimal InputCostPerMTok, decimal OutputCostPerMTok);

/// <summary>What the audit log records of a pool, its status included.</summary>
public sealed record PoolSnapshot(string Code, string Name, string NameZh, string RegionCode, PoolTier Tier, string AcceleratorKind, int AcceleratorCount,
    long CapacityTokensPerSecond, decimal CostPerHour, PoolStatus Status)
{
    /// <summary>Set by a status change: the models on sale it left without a primary deployment on an online pool.</summary>
    public IReadOnlyList<string> ModelsLeftWithoutPrimary { get; init; } = [];
}

/// <summary>What the audit log records of a deployment of a model on a pool.</summary>
public sealed record DeploymentSnapshot(string Model, string Pool, long AllocatedTokensPerSecond, int RoutingWeight, DeploymentRole Role, string? ResidencyRegions);
