using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;

namespace TokenConsole.Features.Catalog;

/// <summary>
/// The package and version a catalog action touched. It reads their ids when asked, so a new package's ids are the ones
/// the save generated (the result is built inside the change, before the save).
/// </summary>
public sealed class PackageRef(TokenPackage package, PackageVersion? version)
{
    public int PackageId => package.Id;
    public int VersionId => version?.Id ?? 0;
}

/// <summary>
/// Changes packages: drafts, review, activation (now or scheduled), retirement and clones, each through the one
/// write path (<see cref="AuditedWriter"/>): the person's current policy, the change and its audit entry in one transaction.
/// The state transitions themselves are methods of <see cref="PackageVersion"/> and <see cref="TokenPackage"/>.
/// </summary>
public sealed class PackageLifecycleService(
    IDbContextFactory<TokenConsoleDbContext> dbFactory, AuditedWriter writer, TimeProvider clock, IEnumerable<IPackageActivationCheck> activationChecks,
    IReferenceDataEvents events)
{
    private static readonly Refusal Gone = new("This package no longer exists.");
    private static readonly Refusal CorrectFields = new("Correct the highlighted fields.");

    public Task<WriteResult<PackageRef>> SaveDraftAsync(ClaimsPrincipal user, PackageForm form, CancellationToken cancellationToken = default) =>
        writer.WriteAsync<PackageRef>(user, Policies.EditPackages, async w =>
        {
            var db = w.Db;
            form.Code = form.Code.Trim().ToUpperInvariant();
            var package = form.PackageId is { } id ? await CatalogService.LoadAsync(db, id, cancellationToken) : null;
            if (form.PackageId is not null && package is null)
            {
                return Gone;
            }
            if (package is not null && (package.Status == PackageStatus.Retired))
            {
                return new Refusal("A retired package cannot be edited. Clone it into a new draft instead.");
            }
            if (package is not null)
            {
                // The kind is fixed at creation: a form that says otherwise is validated (and saved) as what the package is.
                form.Kind = package.Kind;
            }
            var errors = await ValidateAsync(db, form, package?.Id, cancellationToken);
            if (!errors.IsValid)
            {
                return CorrectFields with { Fields = errors };
            }

            PackageVersion version;
            PackageTerms? before = null;
            string action;
            if (package is null)
            {
                version = NewVersion(1, w);
                package = new TokenPackage
                {
                    Code = form.Code, Segment = form.Segment, Kind = form.Kind, Status = PackageStatus.Draft, CreatedBy = w.Actor.Name, CreatedById = w.Actor.Id, CreatedAt = w.Now, Versions = [version],
                };
                db.Packages.Add(package);
                action = AuditActions.PackageCreated;
            }
            else
            {
                db.Entry(package).Property(p => p.Version).OriginalValue = form.PackageToken;
                if (form.VersionId is { } versionId)
                {
                    var existing = package.Versions.FirstOrDefault(v => v.Id == versionId);
                    if (existing is null)
                    {
                        return Refusal.Stale;
                    }
                    version = existing;
                    if (version.Status != PackageStatus.Draft)
                    {
                        return new Refusal("This version is no longer a draft (it was submitted for review). Reload to see it.") { Conflict = true };
                    }
                    before = PackageTerms.Of(package, version, await ModelNamesAsync(db, cancellationToken));
                    db.Entry(version).Property(v => v.Version).OriginalValue = form.VersionToken;
                    db.RemoveRange(version.Tiers);
                    db.RemoveRange(version.Entitlements);
                    action = AuditActions.PackageDraftEdited;
                }
                else
                {
                    if (package.Versions.Any(v => v.Status is PackageStatus.Draft or PackageStatus.InReview or PackageStatus.Scheduled))
                    {
                        return new Refusal("A newer version of this package is already being prepared. Reload to open it.") { Conflict = true };
                    }
                    version = NewVersion(package.Versions.Max(v => v.Number) + 1, w);
                    package.Versions.Add(version);
                    action = AuditActions.PackageVersionStarted;
                }
                if (!form.CodeLocked && package.ActiveVersionId is null)
                {
                    package.Code = form.Code;
                    package.Segment = form.Segment;
                }
                // Touching the package makes its token part of every save: two new drafts of one package cannot both win.
                db.Entry(package).Property(p => p.Version).IsModified = true;
            }
            form.ApplyTo(version);
            var names = await ModelNamesAsync(db, cancellationToken);
            w.Audit(action, "Package", () => Key(package), before, () => PackageTerms.Of(package, version, names));
            return new PackageRef(package, version);
        }, cancellationToken);

    /// <summary>Draft → In review. The draft is frozen from here on.</summary>
    public Task<WriteResult<PackageRef>> SubmitAsync(ClaimsPrincipal user, int versionId, uint versionToken, CancellationToken cancellationToken = default) =>
        TransitionAsync(user, Policies.EditPackages, versionId, versionToken, AuditActions.PackageSubmitted, async (w, package, version) =>
        {
            var errors = version.Status == PackageStatus.Draft
                ? await ValidateAsync(w.Db, PackageForm.From(package, version, asNewVersion: false), package.Id, cancellationToken)
                : [];
            return !errors.IsValid ? CorrectFields with { Fields = errors } : version.Submit(package, w.Actor, w.Now);
        }, cancellationToken);

    /// <summary>In review → Draft: a reviewer sends it back, or the author takes it back to change it.</summary>
    public Task<WriteResult<PackageRef>> ReturnToDraftAsync(ClaimsPrincipal user, int versionId, uint versionToken, CancellationToken cancellationToken = default) =>
        TransitionAsync(user, Policies.ActivatePackages, versionId, versionToken, AuditActions.PackageReturnedToDraft,
            (_, package, version) => Task.FromResult(version.ReturnToDraft(package)), cancellationToken);

    /// <summary>
    /// What activation would warn about (the capacity check of the Compute area plugs in through
    /// <see cref="IPackageActivationCheck"/>): shown to the approver before they confirm.
    /// </summary>
    public async Task<IReadOnlyList<string>> ActivationWarningsAsync(int versionId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var version = await db.PackageVersions.AsNoTracking().Include(v => v.Package).Include(v => v.Entitlements)
            .FirstOrDefaultAsync(v => v.Id == versionId, cancellationToken);
        if (version is null)
        {
            return [];
        }
        var warnings = new List<string>();
        foreach (var check in activationChecks)
        {
            warnings.AddRange(await check.CheckAsync(version, cancellationToken));
        }
        return warnings;
    }

    /// <summary>
    /// In review → Active (now) or Scheduled (a future effective date, published by <see cref="ScheduledActivationService"/>).
    /// Never by the version's author. The version on sale keeps selling until this one takes effect.
    /// </summary>
    public async Task<WriteResult<PackageRef>> ActivateAsync(ClaimsPrincipal user, int versionId, uint versionToken, DateTimeOffset? effectiveFrom,
        CancellationToken cancellationToken = default)
    {
        if (await writer.AuthorizeAsync(user, Policies.ActivatePackages, cancellationToken) is { } refused)
        {
            return refused;
        }
        var scheduled = effectiveFrom > clock.GetUtcNow();
        var outcome = await TransitionAsync(user, Policies.ActivatePackages, versionId, versionToken,
            scheduled ? AuditActions.PackageActivationScheduled : AuditActions.PackageActivated,
            (w, package, version) => Task.FromResult(version.Approve(package, w.Actor, w.Now, effectiveFrom)), cancellationToken);
        if (outcome.Succeeded)
        {
            await events.PublishAsync(ReferenceDataKind.Package);
        }
        // Checked after the transition, so that a version now on sale is told what its launch did (the checks word it so).
        return outcome with { Warnings = await ActivationWarningsAsync(versionId, cancellationToken) };
    }

    /// <summary>Publishes the scheduled versions whose effective date has come, one package per transaction. Returns how many.</summary>
    public async Task<int> ActivateDueAsync(CancellationToken cancellationToken = default)
    {
        List<int> due;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var now = clock.GetUtcNow();
            due = await db.PackageVersions.Where(v => v.Status == PackageStatus.Scheduled && v.EffectiveFrom <= now)
                .Select(v => v.PackageId).Distinct().ToListAsync(cancellationToken);
        }
        var count = 0;
        foreach (var packageId in due)
        {
            // A conflict (someone changed the package meanwhile, e.g. retired it) is left for the next round to see.
            var published = await writer.WriteAsSystemAsync<int>(Actor.Scheduler, async w =>
            {
                var package = await CatalogService.LoadAsync(w.Db, packageId, cancellationToken);
                if (package is null)
                {
                    return 0;
                }
                var names = await ModelNamesAsync(w.Db, cancellationToken);
                var n = 0;
                foreach (var version in package.Versions.Where(v => v.Status == PackageStatus.Scheduled && v.EffectiveFrom <= w.Now).OrderBy(v => v.Number))
                {
                    var before = PackageTerms.Of(package, version, names);
                    package.Publish(version, version.EffectiveFrom!.Value);
                    var after = PackageTerms.Of(package, version, names);
                    w.Audit(AuditActions.PackageScheduledVersionActivated, "Package", Key(package), before, after);
                    n++;
                }
                return n;
            }, cancellationToken);
            count += published.Value;
        }
        if (count > 0)
        {
            await events.PublishAsync(ReferenceDataKind.Package);
        }
        return count;
    }

    /// <summary>Active → Retired: no new subscriptions from now on; existing ones run on untouched until they end.</summary>
    public async Task<WriteResult<PackageRef>> RetireAsync(ClaimsPrincipal user, int packageId, uint packageToken, CancellationToken cancellationToken = default)
    {
        var result = await writer.WriteAsync<PackageRef>(user, Policies.EditPackages, async w =>
        {
            var package = await CatalogService.LoadAsync(w.Db, packageId, cancellationToken);
            if (package is null)
            {
                return Gone;
            }
            w.Db.Entry(package).Property(p => p.Version).OriginalValue = packageToken;
            // The same shape as every other package entry: the terms of the version on sale, which retirement ends.
            var active = package.Versions.FirstOrDefault(v => v.Id == package.ActiveVersionId);
            var names = await ModelNamesAsync(w.Db, cancellationToken);
            var before = active is null ? null : PackageTerms.Of(package, active, names);
            if (package.Retire(w.Now) is { } refused)
            {
                return refused;
            }
            w.Audit(AuditActions.PackageRetired, "Package", Key(package), before, active is null ? null : PackageTerms.Of(package, active, names));
            return new PackageRef(package, active);
        }, cancellationToken);
        if (result.Succeeded)
        {
            await events.PublishAsync(ReferenceDataKind.Package);
        }
        return result;
    }

    /// <summary>A new package in draft with the terms of this one's current version, under a new code.</summary>
    public Task<WriteResult<PackageRef>> CloneAsync(ClaimsPrincipal user, int packageId, CancellationToken cancellationToken = default) =>
        writer.WriteAsync<PackageRef>(user, Policies.EditPackages, async w =>
        {
            var db = w.Db;
            var source = await CatalogService.LoadAsync(db, packageId, cancellationToken);
            if (source is null)
            {
                return Gone;
            }
            var basis = source.Versions.FirstOrDefault(v => v.Id == source.ActiveVersionId) ?? source.Versions.MaxBy(v => v.Number)!;
            var codes = await db.Packages.Select(p => p.Code).ToListAsync(cancellationToken);
            var code = Enumerable.Range(1, 99).Select(n => n == 1 ? $"{source.Code}-COPY" : $"{source.Code}-COPY{n}").First(c => !codes.Contains(c));
            var form = PackageForm.From(source, basis, asNewVersion: false);
            form.NameEn = $"{basis.NameEn} (copy)";
            form.NameZh = $"{basis.NameZh}（副本）";
            var version = NewVersion(1, w);
            form.ApplyTo(version);
            var clone = new TokenPackage
            {
                Code = code[..Math.Min(code.Length, 32)], Segment = source.Segment, Kind = source.Kind, Status = PackageStatus.Draft, CreatedBy = w.Actor.Name, CreatedById = w.Actor.Id,
                CreatedAt = w.Now, Versions = [version],
            };
            db.Packages.Add(clone);
            var names = await ModelNamesAsync(db, cancellationToken);
            // Before: the terms it was cloned from, in the same shape as after.
            w.Audit(AuditActions.PackageCloned, "Package", () => Key(clone), PackageTerms.Of(source, basis, names), () => PackageTerms.Of(clone, version, names));
            return new PackageRef(clone, version);
        }, cancellationToken);

    private Task<WriteResult<PackageRef>> TransitionAsync(ClaimsPrincipal user, string policy, int versionId, uint versionToken, string action,
        Func<WriteContext, TokenPackage, PackageVersion, Task<Refusal?>> change, CancellationToken cancellationToken) =>
        writer.WriteAsync<PackageRef>(user, policy, async w =>
        {
            var db = w.Db;
            var packageId = await db.PackageVersions.Where(v => v.Id == versionId).Select(v => (int?)v.PackageId).FirstOrDefaultAsync(cancellationToken);
            var package = packageId is null ? null : await CatalogService.LoadAsync(db, packageId.Value, cancellationToken);
            var version = package?.Versions.FirstOrDefault(v => v.Id == versionId);
            if (package is null || version is null)
            {
                return Gone;
            }
            if (version.Version != versionToken)
            {
                return Refusal.Stale;
            }
            db.Entry(version).Property(v => v.Version).OriginalValue = versionToken;
            var names = await ModelNamesAsync(db, cancellationToken);
            var before = PackageTerms.Of(package, version, names);
            if (await change(w, package, version) is { } refused)
            {
                return refused;
            }
            w.Audit(action, "Package", Key(package), before, PackageTerms.Of(package, version, names));
            return new PackageRef(package, version);
        }, cancellationToken);

    private static PackageVersion NewVersion(int number, WriteContext w) => new()
    {
        Number = number, Status = PackageStatus.Draft, NameEn = "", NameZh = "", CreatedBy = w.Actor.Name, CreatedById = w.Actor.Id, CreatedAt = w.Now,
    };

    private static async Task<PackageErrors> ValidateAsync(TokenConsoleDbContext db, PackageForm form, int? packageId, CancellationToken cancellationToken)
    {
        var code = form.Code.Trim().ToUpperInvariant();
        var taken = await db.Packages.AnyAsync(p => p.Code == code && p.Id != packageId, cancellationToken);
        var models = await db.Models.AsNoTracking()
            .Select(m => new ModelInfo(m.Id, m.Code, m.Name, m.Status, m.InputCostPerMTok, m.OutputCostPerMTok, 0, 0))
            .ToDictionaryAsync(m => m.Id, cancellationToken);
        return PackageValidator.Validate(form, models, taken);
    }

    private static async Task<Dictionary<int, string>> ModelNamesAsync(TokenConsoleDbContext db, CancellationToken cancellationToken) =>
        await db.Models.ToDictionaryAsync(m => m.Id, m => m.Name, cancellationToken);

    private static string Key(TokenPackage package) => package.Id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// A check run before a version is activated, whose warnings the approver sees (e.g. the sold commitment against compute
/// capacity, which belongs to the Compute area). Register implementations with <c>AddScoped&lt;IPackageActivationCheck, …&gt;</c>.
/// </summary>
public interface IPackageActivationCheck
{
    /// <summary>Warnings as display-ready, localized text; empty when all is well.</summary>
    Task<IReadOnlyList<string>> CheckAsync(PackageVersion version, CancellationToken cancellationToken);
}
