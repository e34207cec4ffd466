using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Admin;

namespace TokenConsole.Features.Catalog;

/// <summary>
/// The outcome of a catalog action. <see cref="Error"/> is an English resource key (with <see cref="ErrorArgs"/>);
/// <see cref="Conflict"/> means someone else changed the same thing first and the person should reload.
/// </summary>
public sealed record CatalogOutcome(bool Succeeded, int PackageId = 0, int VersionId = 0, string? Error = null, object[]? ErrorArgs = null,
    bool Conflict = false, PackageErrors? FieldErrors = null, IReadOnlyList<string>? Warnings = null)
{
    public static CatalogOutcome Fail(string error, params object[] args) => new(false, Error: error, ErrorArgs: args);
    public static readonly CatalogOutcome Forbidden = Fail("You are not allowed to do this.");
    public static readonly CatalogOutcome Stale = new(false, Error: "Someone else changed this package after you opened it. Reload to see their changes; yours were not saved.", Conflict: true);
}

/// <summary>
/// Changes packages: drafts, review, activation (now or scheduled), retirement and clones. Every action checks the
/// person's policy here on the server, and is saved together with its audit entry.
/// </summary>
public sealed class PackageLifecycleService(
    IDbContextFactory<TokenConsoleDbContext> dbFactory, TimeProvider clock, IAuthorizationService authorization,
    IEnumerable<IPackageActivationCheck> activationChecks, IReferenceDataEvents events)
{
    public const string SystemActor = "system";

    public async Task<CatalogOutcome> SaveDraftAsync(ClaimsPrincipal user, PackageForm form, CancellationToken cancellationToken = default)
    {
        if (!await AllowedAsync(user, Policies.EditPackages))
        {
            return CatalogOutcome.Forbidden;
        }
        var actor = UserDisplay.Actor(user);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        form.Code = form.Code.Trim().ToUpperInvariant();
        var package = form.PackageId is { } id ? await CatalogService.LoadAsync(db, id, cancellationToken) : null;
        if (form.PackageId is not null && package is null)
        {
            return CatalogOutcome.Fail("This package no longer exists.");
        }
        if (package is not null && (package.Status == PackageStatus.Retired))
        {
            return CatalogOutcome.Fail("A retired package cannot be edited. Clone it into a new draft instead.");
        }
        var errors = await ValidateAsync(db, form, package?.Id, cancellationToken);
        if (!errors.IsValid)
        {
            return new CatalogOutcome(false, Error: "Correct the highlighted fields.", FieldErrors: errors);
        }

        PackageVersion version;
        object? before = null;
        string action;
        if (package is null)
        {
            version = new PackageVersion { Number = 1, Status = PackageStatus.Draft, NameEn = "", NameZh = "", CreatedBy = actor, CreatedAt = now };
            package = new TokenPackage { Code = form.Code, Segment = form.Segment, Status = PackageStatus.Draft, CreatedBy = actor, CreatedAt = now, Versions = [version] };
            db.Packages.Add(package);
            action = "Created package";
        }
        else
        {
            db.Entry(package).Property(p => p.Version).OriginalValue = form.PackageToken;
            if (form.VersionId is { } versionId)
            {
                version = package.Versions.FirstOrDefault(v => v.Id == versionId)!;
                if (version is null)
                {
                    return CatalogOutcome.Stale;
                }
                if (version.Status != PackageStatus.Draft)
                {
                    return CatalogOutcome.Fail("This version is no longer a draft (it was submitted for review). Reload to see it.") with { Conflict = true };
                }
                before = PackageTerms.Of(package, version, await ModelNamesAsync(db, cancellationToken));
                db.Entry(version).Property(v => v.Version).OriginalValue = form.VersionToken;
                db.RemoveRange(version.Tiers);
                db.RemoveRange(version.Entitlements);
                action = "Edited draft";
            }
            else
            {
                if (package.Versions.Any(v => v.Status is PackageStatus.Draft or PackageStatus.InReview or PackageStatus.Scheduled))
                {
                    return CatalogOutcome.Fail("A newer version of this package is already being prepared. Reload to open it.") with { Conflict = true };
                }
                version = new PackageVersion
                {
                    Number = package.Versions.Max(v => v.Number) + 1, Status = PackageStatus.Draft, NameEn = "", NameZh = "", CreatedBy = actor, CreatedAt = now,
                };
                package.Versions.Add(version);
                action = "Started new version";
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
        try
        {
            // Two saves (the audit entry needs the new ids), one transaction: the change and its record land together or not at all.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            Audit.Record(db, clock, actor, action, "Package", package.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), before,
                PackageTerms.Of(package, version, await ModelNamesAsync(db, cancellationToken)));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return CatalogOutcome.Stale;
        }
        catch (DbUpdateException) when (package.Id == 0 || version.Id == 0)
        {
            // The unique index on the code or on (package, version number): someone created the same thing first.
            return CatalogOutcome.Stale;
        }
        return new CatalogOutcome(true, package.Id, version.Id);
    }

    /// <summary>Draft → In review. The draft is frozen from here on.</summary>
    public Task<CatalogOutcome> SubmitAsync(ClaimsPrincipal user, int versionId, uint versionToken, CancellationToken cancellationToken = default) =>
        TransitionAsync(user, Policies.EditPackages, versionId, versionToken, "Submitted for review", cancellationToken: cancellationToken, change: async (db, package, version, actor, now) =>
        {
            if (version.Status != PackageStatus.Draft)
            {
                return CatalogOutcome.Fail("Only a draft can be submitted for review.");
            }
            var errors = await ValidateAsync(db, PackageForm.From(package, version, asNewVersion: false), package.Id, cancellationToken);
            if (!errors.IsValid)
            {
                return new CatalogOutcome(false, Error: "Correct the highlighted fields.", FieldErrors: errors);
            }
            version.Status = PackageStatus.InReview;
            version.SubmittedBy = actor;
            version.SubmittedAt = now;
            if (package.ActiveVersionId is null)
            {
                package.Status = PackageStatus.InReview;
            }
            return null;
        });

    /// <summary>In review → Draft: a reviewer sends it back, or the author takes it back to change it.</summary>
    public Task<CatalogOutcome> ReturnToDraftAsync(ClaimsPrincipal user, int versionId, uint versionToken, CancellationToken cancellationToken = default) =>
        TransitionAsync(user, Policies.ActivatePackages, versionId, versionToken, "Returned to draft", cancellationToken: cancellationToken, change: (_, package, version, _, _) =>
        {
            if (version.Status is not (PackageStatus.InReview or PackageStatus.Scheduled))
            {
                return Task.FromResult<CatalogOutcome?>(CatalogOutcome.Fail("Only a version in review or scheduled can be returned to draft."));
            }
            version.Status = PackageStatus.Draft;
            version.SubmittedBy = null;
            version.SubmittedAt = null;
            version.PublishedBy = null;
            version.PublishedAt = null;
            version.EffectiveFrom = null;
            if (package.ActiveVersionId is null)
            {
                package.Status = PackageStatus.Draft;
            }
            return Task.FromResult<CatalogOutcome?>(null);
        });

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
    public async Task<CatalogOutcome> ActivateAsync(ClaimsPrincipal user, int versionId, uint versionToken, DateTimeOffset? effectiveFrom,
        CancellationToken cancellationToken = default)
    {
        if (!await AllowedAsync(user, Policies.ActivatePackages))
        {
            return CatalogOutcome.Forbidden;
        }
        var warnings = await ActivationWarningsAsync(versionId, cancellationToken);
        var outcome = await TransitionAsync(user, Policies.ActivatePackages, versionId, versionToken,
            effectiveFrom > clock.GetUtcNow() ? "Scheduled activation" : "Activated", cancellationToken: cancellationToken, change: (_, package, version, actor, now) =>
            {
                if (version.Status != PackageStatus.InReview)
                {
                    return Task.FromResult<CatalogOutcome?>(CatalogOutcome.Fail("Only a version in review can be activated."));
                }
                if (string.Equals(version.CreatedBy, actor, StringComparison.OrdinalIgnoreCase) || string.Equals(version.SubmittedBy, actor, StringComparison.OrdinalIgnoreCase))
                {
                    return Task.FromResult<CatalogOutcome?>(CatalogOutcome.Fail("You wrote this version: an executive or another product manager must activate it."));
                }
                if (package.Status == PackageStatus.Retired)
                {
                    return Task.FromResult<CatalogOutcome?>(CatalogOutcome.Fail("A retired package cannot be activated."));
                }
                version.PublishedBy = actor;
                version.PublishedAt = now;
                if (effectiveFrom is { } at && at > now)
                {
                    version.Status = PackageStatus.Scheduled;
                    version.EffectiveFrom = at;
                }
                else
                {
                    Publish(package, version, now);
                }
                return Task.FromResult<CatalogOutcome?>(null);
            });
        if (outcome.Succeeded) await events.PublishAsync(ReferenceDataKind.Package);
        return outcome with { Warnings = warnings };
    }

    /// <summary>Publishes the scheduled versions whose effective date has come. Returns how many.</summary>
    public async Task<int> ActivateDueAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var due = await db.PackageVersions.Where(v => v.Status == PackageStatus.Scheduled && v.EffectiveFrom <= now)
            .Select(v => v.PackageId).Distinct().ToListAsync(cancellationToken);
        var count = 0;
        var names = due.Count == 0 ? new Dictionary<int, string>() : await ModelNamesAsync(db, cancellationToken);
        foreach (var packageId in due)
        {
            var package = (await CatalogService.LoadAsync(db, packageId, cancellationToken))!;
            foreach (var version in package.Versions.Where(v => v.Status == PackageStatus.Scheduled && v.EffectiveFrom <= now).OrderBy(v => v.Number))
            {
                var before = PackageTerms.Of(package, version, names);
                Publish(package, version, version.EffectiveFrom!.Value);
                Audit.Record(db, clock, SystemActor, "Activated scheduled version", "Package", Key(package), before, PackageTerms.Of(package, version, names));
                count++;
            }
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Someone changed the package meanwhile (e.g. retired it): the next round sees the new state.
                db.ChangeTracker.Clear();
            }
        }
        if (count > 0) await events.PublishAsync(ReferenceDataKind.Package);
        return count;
    }

    /// <summary>Active → Retired: no new subscriptions from now on; existing ones run on untouched until they end.</summary>
    public async Task<CatalogOutcome> RetireAsync(ClaimsPrincipal user, int packageId, uint packageToken, CancellationToken cancellationToken = default)
    {
        if (!await AllowedAsync(user, Policies.EditPackages))
        {
            return CatalogOutcome.Forbidden;
        }
        var actor = UserDisplay.Actor(user);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var package = await CatalogService.LoadAsync(db, packageId, cancellationToken);
        if (package is null)
        {
            return CatalogOutcome.Fail("This package no longer exists.");
        }
        if (package.Status != PackageStatus.Active)
        {
            return CatalogOutcome.Fail("Only a package on sale can be retired.");
        }
        db.Entry(package).Property(p => p.Version).OriginalValue = packageToken;
        var before = new { package.Status, package.ActiveVersionId };
        package.Status = PackageStatus.Retired;
        foreach (var version in package.Versions.Where(v => v.Status is PackageStatus.Active or PackageStatus.Draft or PackageStatus.InReview or PackageStatus.Scheduled))
        {
            if (version.Status == PackageStatus.Active)
            {
                version.EffectiveTo = now;
            }
            version.Status = PackageStatus.Retired;
        }
        Audit.Record(db, clock, actor, "Retired package", "Package", Key(package), before, new { package.Status, package.ActiveVersionId, RetiredAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return CatalogOutcome.Stale;
        }
        await events.PublishAsync(ReferenceDataKind.Package);
        return new CatalogOutcome(true, package.Id, package.ActiveVersionId ?? 0);
    }

    /// <summary>A new package in draft with the terms of this one's current version, under a new code.</summary>
    public async Task<CatalogOutcome> CloneAsync(ClaimsPrincipal user, int packageId, CancellationToken cancellationToken = default)
    {
        if (!await AllowedAsync(user, Policies.EditPackages))
        {
            return CatalogOutcome.Forbidden;
        }
        var actor = UserDisplay.Actor(user);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var source = await CatalogService.LoadAsync(db, packageId, cancellationToken);
        if (source is null)
        {
            return CatalogOutcome.Fail("This package no longer exists.");
        }
        var basis = source.Versions.FirstOrDefault(v => v.Id == source.ActiveVersionId) ?? source.Versions.MaxBy(v => v.Number)!;
        var codes = await db.Packages.Select(p => p.Code).ToListAsync(cancellationToken);
        var code = Enumerable.Range(1, 99).Select(n => n == 1 ? $"{source.Code}-COPY" : $"{source.Code}-COPY{n}").First(c => !codes.Contains(c));
        var form = PackageForm.From(source, basis, asNewVersion: false);
        form.NameEn = $"{basis.NameEn} (copy)";
        form.NameZh = $"{basis.NameZh}（副本）";
        var version = new PackageVersion { Number = 1, Status = PackageStatus.Draft, NameEn = "", NameZh = "", CreatedBy = actor, CreatedAt = now };
        form.ApplyTo(version);
        var clone = new TokenPackage { Code = code[..Math.Min(code.Length, 32)], Segment = source.Segment, Status = PackageStatus.Draft, CreatedBy = actor, CreatedAt = now, Versions = [version] };
        db.Packages.Add(clone);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        Audit.Record(db, clock, actor, "Cloned package", "Package", Key(clone), new { From = source.Code, Version = basis.Number },
            PackageTerms.Of(clone, version, await ModelNamesAsync(db, cancellationToken)));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CatalogOutcome(true, clone.Id, version.Id);
    }

    private async Task<CatalogOutcome> TransitionAsync(ClaimsPrincipal user, string policy, int versionId, uint versionToken, string action,
        Func<TokenConsoleDbContext, TokenPackage, PackageVersion, string, DateTimeOffset, Task<CatalogOutcome?>> change, CancellationToken cancellationToken)
    {
        if (!await AllowedAsync(user, policy))
        {
            return CatalogOutcome.Forbidden;
        }
        var actor = UserDisplay.Actor(user);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var packageId = await db.PackageVersions.Where(v => v.Id == versionId).Select(v => (int?)v.PackageId).FirstOrDefaultAsync(cancellationToken);
        var package = packageId is null ? null : await CatalogService.LoadAsync(db, packageId.Value, cancellationToken);
        var version = package?.Versions.First(v => v.Id == versionId);
        if (package is null || version is null)
        {
            return CatalogOutcome.Fail("This package no longer exists.");
        }
        if (version.Version != versionToken)
        {
            return CatalogOutcome.Stale;
        }
        db.Entry(version).Property(v => v.Version).OriginalValue = versionToken;
        var names = await ModelNamesAsync(db, cancellationToken);
        var before = PackageTerms.Of(package, version, names);
        if (await change(db, package, version, actor, now) is { } refused)
        {
            return refused;
        }
        Audit.Record(db, clock, actor, action, "Package", Key(package), before, PackageTerms.Of(package, version, names));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return CatalogOutcome.Stale;
        }
        return new CatalogOutcome(true, package.Id, version.Id);
    }

    /// <summary>Puts a version on sale: the one selling until now is superseded from the same instant.</summary>
    private static void Publish(TokenPackage package, PackageVersion version, DateTimeOffset effectiveFrom)
    {
        foreach (var previous in package.Versions.Where(v => v.Status == PackageStatus.Active && v.Id != version.Id))
        {
            previous.Status = PackageStatus.Superseded;
            previous.EffectiveTo = effectiveFrom;
        }
        version.Status = PackageStatus.Active;
        version.EffectiveFrom = effectiveFrom;
        package.ActiveVersionId = version.Id;
        package.Status = PackageStatus.Active;
    }

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


    private static string Key(TokenPackage package) => package.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<bool> AllowedAsync(ClaimsPrincipal user, string policy) =>
        user.Identity?.IsAuthenticated == true && (await authorization.AuthorizeAsync(user, policy)).Succeeded;
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
