using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Tests.Catalog;

/// <summary>The package lifecycle against a real SQLite schema, the real policies and a fake clock.</summary>
public sealed class PackageLifecycleTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly CatalogTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task A_product_manager_creates_a_draft_with_an_audited_before_and_after()
    {
        var saved = await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, CatalogTestBed.NewForm(), Ct);

        Assert.True(saved.Succeeded, saved.Refusal?.Code);
        await using var db = _bed.Database.CreateDbContext();
        var package = await db.Packages.Include(p => p.Versions).SingleAsync(p => p.Id == saved.Value!.PackageId, Ct);
        Assert.Equal((PackageStatus.Draft, "pm"), (package.Status, package.Versions.Single().CreatedBy));
        var audit = await db.AuditEntries.SingleAsync(a => a.EntityType == "Package", Ct);
        Assert.Equal(("pm", AuditActions.PackageCreated), (audit.ActorName, audit.Action));
        Assert.Contains("\"PriceCny\":30", audit.AfterJson, StringComparison.Ordinal);

        var form = (await _bed.Catalog.EditorAsync(saved.Value!.PackageId, Ct))!.Value.Form;
        form.PriceCny = 35m;
        Assert.True((await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, form, Ct)).Succeeded);
        var edit = await db.AuditEntries.OrderBy(a => a.Id).LastAsync(Ct);
        Assert.Equal(AuditActions.PackageDraftEdited, edit.Action);
        Assert.Contains("\"PriceCny\":30", edit.BeforeJson, StringComparison.Ordinal);
        Assert.Contains("\"PriceCny\":35", edit.AfterJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_or_duplicate_package_is_refused_with_field_messages_and_nothing_saved()
    {
        var form = CatalogTestBed.NewForm("P-SMALL");
        form.OveragePricePerMTok = 0.5m;
        form.Entitlements = [new EntitlementRow { ModelId = 3 }];

        var outcome = await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, form, Ct);

        Assert.False(outcome.Succeeded);
        Assert.Equal(["Code", "Entitlements", "Entitlements[0].Model", "OveragePricePerMTok"], outcome.Refusal!.Fields!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Another package already uses this code.", outcome.Refusal!.Fields!["Code"].Single().Key);
        await using var db = _bed.Database.CreateDbContext();
        Assert.Equal(2, await db.Packages.CountAsync(Ct));
    }

    [Theory]
    [InlineData("ops")]
    [InlineData("exec")]
    [InlineData("admin")]
    public async Task Only_a_product_manager_may_create_a_package(string who)
    {
        var user = who switch { "ops" => CatalogTestBed.Ops, "exec" => CatalogTestBed.Exec, _ => CatalogTestBed.Admin };
        var outcome = await _bed.Lifecycle.SaveDraftAsync(user, CatalogTestBed.NewForm(), Ct);
        Assert.Same(Refusal.Forbidden, (outcome).Refusal);
    }

    [Fact]
    public async Task The_author_cannot_activate_their_own_version_but_another_product_manager_can()
    {
        var submitted = await _bed.CreateSubmittedAsync();
        var token = await _bed.TokenAsync(submitted.Value!.VersionId);

        var own = await _bed.Lifecycle.ActivateAsync(CatalogTestBed.Pm, submitted.Value!.VersionId, token, null, Ct);
        Assert.False(own.Succeeded);
        Assert.Equal("You wrote this version: an executive or another product manager must activate it.", own.Refusal?.Code);
        var admin = await _bed.Lifecycle.ActivateAsync(CatalogTestBed.Admin, submitted.Value!.VersionId, token, null, Ct);
        Assert.Same(Refusal.Forbidden, (admin).Refusal);

        var other = await _bed.Lifecycle.ActivateAsync(CatalogTestBed.OtherPm, submitted.Value!.VersionId, token, null, Ct);
        Assert.True(other.Succeeded, other.Refusal?.Code);
        await using var db = _bed.Database.CreateDbContext();
        var package = await db.Packages.Include(p => p.ActiveVersion).SingleAsync(p => p.Id == submitted.Value!.PackageId, Ct);
        Assert.Equal((PackageStatus.Active, PackageStatus.Active, "pm2", CatalogTestBed.Start), (package.Status, package.ActiveVersion!.Status, package.ActiveVersion.PublishedBy, package.ActiveVersion.EffectiveFrom));
        Assert.True(await _bed.Catalog.IsOpenForNewSubscriptionsAsync(package.Id, Ct));
        Assert.Contains(await db.AuditEntries.Select(a => a.Action + "/" + a.ActorName).ToListAsync(Ct), a => a == AuditActions.PackageActivated + "/pm2");
    }

    [Fact]
    public async Task A_submitted_draft_is_frozen()
    {
        var submitted = await _bed.CreateSubmittedAsync();
        var form = (await _bed.Catalog.EditorAsync(submitted.Value!.PackageId, Ct))!.Value;
        Assert.Equal(PackageStatus.InReview, form.EditedStatus);

        form.Form.PriceCny = 1m;
        var outcome = await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, form.Form, Ct);

        Assert.False(outcome.Succeeded);
        Assert.True(outcome.Conflict);
        await using var db = _bed.Database.CreateDbContext();
        Assert.Equal(30m, await db.PackageVersions.Where(v => v.Id == submitted.Value!.VersionId).Select(v => v.PriceCny).SingleAsync(Ct));
    }

    [Fact]
    public async Task Editing_an_active_package_starts_a_new_draft_while_the_active_version_keeps_selling()
    {
        var packageId = await PackageIdAsync("P-BIG");
        var editor = (await _bed.Catalog.EditorAsync(packageId, Ct))!.Value.Form;
        Assert.Null(editor.VersionId);
        Assert.Equal(2, editor.VersionNumber);
        Assert.True(editor.CodeLocked);
        editor.PriceCny = 45m;

        var saved = await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, editor, Ct);
        Assert.True(saved.Succeeded, saved.Refusal?.Code);
        await using (var db = _bed.Database.CreateDbContext())
        {
            var package = await db.Packages.Include(p => p.ActiveVersion).SingleAsync(p => p.Id == packageId, Ct);
            Assert.Equal((PackageStatus.Active, 1, 40m), (package.Status, package.ActiveVersion!.Number, package.ActiveVersion.PriceCny));
        }

        var submitted = await _bed.Lifecycle.SubmitAsync(CatalogTestBed.Pm, saved.Value!.VersionId, await _bed.TokenAsync(saved.Value!.VersionId), Ct);
        Assert.True(submitted.Succeeded, submitted.Refusal?.Code);
        var activated = await _bed.Lifecycle.ActivateAsync(CatalogTestBed.Exec, saved.Value!.VersionId, await _bed.TokenAsync(saved.Value!.VersionId), null, Ct);
        Assert.True(activated.Succeeded, activated.Refusal?.Code);

        await using var after = _bed.Database.CreateDbContext();
        var versions = await after.PackageVersions.Where(v => v.PackageId == packageId).OrderBy(v => v.Number).ToListAsync(Ct);
        Assert.Equal([PackageStatus.Superseded, PackageStatus.Active], versions.Select(v => v.Status));
        Assert.Equal(CatalogTestBed.Start, versions[0].EffectiveTo);
        Assert.Equal(versions[1].Id, (await after.Packages.SingleAsync(p => p.Id == packageId, Ct)).ActiveVersionId);

        var comparison = (await _bed.Catalog.CompareAsync(packageId, versions[0].Id, versions[1].Id, Ct))!.Value;
        Assert.Equal((40m, 45m), (comparison.A.PriceCny, comparison.B.PriceCny));
        Assert.Equal(comparison.A.Entitlements, comparison.B.Entitlements);
    }

    [Fact]
    public async Task A_second_save_of_the_same_draft_is_refused_as_a_conflict()
    {
        var saved = await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, CatalogTestBed.NewForm(), Ct);
        var mine = (await _bed.Catalog.EditorAsync(saved.Value!.PackageId, Ct))!.Value.Form;
        var theirs = (await _bed.Catalog.EditorAsync(saved.Value!.PackageId, Ct))!.Value.Form;

        theirs.PriceCny = 33m;
        var first = await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.OtherPm, theirs, Ct);
        Assert.True(first.Succeeded, first.Refusal?.Code);
        mine.PriceCny = 39m;
        var second = await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, mine, Ct);

        Assert.False(second.Succeeded);
        Assert.True(second.Conflict, second.Refusal?.Code);
        Assert.Equal(Refusal.StaleCode, second.Refusal?.Code);
        await using var db = _bed.Database.CreateDbContext();
        Assert.Equal(33m, await db.PackageVersions.Where(v => v.Id == saved.Value!.VersionId).Select(v => v.PriceCny).SingleAsync(Ct));

        // Reloading gives the other person's version, which can then be saved.
        var reloaded = (await _bed.Catalog.EditorAsync(saved.Value!.PackageId, Ct))!.Value.Form;
        Assert.Equal(33m, reloaded.PriceCny);
        reloaded.PriceCny = 39m;
        Assert.True((await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, reloaded, Ct)).Succeeded);
    }

    [Fact]
    public async Task A_stale_activation_is_refused()
    {
        var submitted = await _bed.CreateSubmittedAsync();
        var stale = await _bed.TokenAsync(submitted.Value!.VersionId) - 1;
        var outcome = await _bed.Lifecycle.ActivateAsync(CatalogTestBed.Exec, submitted.Value!.VersionId, stale, null, Ct);
        Assert.True(outcome.Conflict);
    }

    [Fact]
    public async Task Scheduled_activation_publishes_the_version_when_the_clock_reaches_its_effective_date()
    {
        var submitted = await _bed.CreateSubmittedAsync();
        var at = CatalogTestBed.Start.AddHours(5);
        var scheduled = await _bed.Lifecycle.ActivateAsync(CatalogTestBed.Exec, submitted.Value!.VersionId, await _bed.TokenAsync(submitted.Value!.VersionId), at, Ct);
        Assert.True(scheduled.Succeeded, scheduled.Refusal?.Code);
        Assert.Equal(PackageStatus.Scheduled, await StatusAsync(submitted.Value!.VersionId));

        using var service = new ScheduledActivationService(_bed.Scopes, _bed.Clock, Options.Create(new CatalogOptions { ActivationCheckInterval = TimeSpan.FromMinutes(1) }),
            NullLogger<ScheduledActivationService>.Instance);
        // A round an hour before the effective date activates nothing: run it here and look, rather than sleep and look.
        _bed.Clock.Advance(TimeSpan.FromHours(4));
        var publishedBefore = _bed.Signal.Published.Count;
        Assert.Equal(0, await service.RunOnceAsync(Ct));
        Assert.Equal(PackageStatus.Scheduled, await StatusAsync(submitted.Value!.VersionId));
        Assert.False(await _bed.Catalog.IsOpenForNewSubscriptionsAsync(submitted.Value!.PackageId, Ct));
        Assert.Equal(publishedBefore, _bed.Signal.Published.Count);

        // Once the date has come, the service's own first round activates it and publishes the package change.
        _bed.Clock.Advance(TimeSpan.FromHours(1));
        var published = _bed.Signal.NextAsync(ReferenceDataKind.Package, TimeSpan.FromSeconds(30), Ct);
        await service.StartAsync(Ct);
        try
        {
            await published;
        }
        finally
        {
            await service.StopAsync(Ct);
        }
        Assert.Equal(PackageStatus.Active, await StatusAsync(submitted.Value!.VersionId));
        await using var db = _bed.Database.CreateDbContext();
        var package = await db.Packages.Include(p => p.ActiveVersion).SingleAsync(p => p.Id == submitted.Value!.PackageId, Ct);
        Assert.Equal((PackageStatus.Active, at, "exec"), (package.Status, package.ActiveVersion!.EffectiveFrom, package.ActiveVersion.PublishedBy));
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.PackageScheduledVersionActivated && a.ActorId == Actor.Scheduler.Id, Ct));
    }

    [Fact]
    public async Task A_scheduled_date_in_the_past_activates_at_once()
    {
        var submitted = await _bed.CreateSubmittedAsync();
        var outcome = await _bed.Lifecycle.ActivateAsync(CatalogTestBed.Exec, submitted.Value!.VersionId, await _bed.TokenAsync(submitted.Value!.VersionId), CatalogTestBed.Start.AddDays(-1), Ct);
        Assert.True(outcome.Succeeded);
        Assert.Equal(PackageStatus.Active, await StatusAsync(submitted.Value!.VersionId));
    }

    [Fact]
    public async Task Retiring_stops_new_subscriptions_but_keeps_the_existing_ones()
    {
        var packageId = await PackageIdAsync("P-SMALL");
        await using (var db = _bed.Database.CreateDbContext())
        {
            var customer = new Customer { Code = "C1", Name = "c", NameZh = "c", IndustryCode = "consumer", RegionCode = "CN-GD" };
            db.Customers.Add(customer);
            await db.SaveChangesAsync(Ct);
            var versionId = await db.PackageVersions.Where(v => v.PackageId == packageId).Select(v => v.Id).SingleAsync(Ct);
            db.Subscriptions.Add(new Subscription { CustomerId = customer.Id, PackageId = packageId, PackageVersionId = versionId, Status = SubscriptionStatus.Active, StartsAt = CatalogTestBed.Start });
            await db.SaveChangesAsync(Ct);
        }
        var detail = (await _bed.Catalog.DetailAsync(packageId, Ct))!;
        Assert.True(await _bed.Catalog.IsOpenForNewSubscriptionsAsync(packageId, Ct));

        Assert.Same(Refusal.Forbidden, (await _bed.Lifecycle.RetireAsync(CatalogTestBed.Exec, packageId, detail.Token, Ct)).Refusal);
        var retired = await _bed.Lifecycle.RetireAsync(CatalogTestBed.Pm, packageId, detail.Token, Ct);

        Assert.True(retired.Succeeded, retired.Refusal?.Code);
        Assert.False(await _bed.Catalog.IsOpenForNewSubscriptionsAsync(packageId, Ct));
        await using var after = _bed.Database.CreateDbContext();
        Assert.Equal(SubscriptionStatus.Active, (await after.Subscriptions.SingleAsync(Ct)).Status);
        Assert.Equal(CatalogTestBed.Start, (await after.PackageVersions.SingleAsync(v => v.PackageId == packageId, Ct)).EffectiveTo);
        Assert.True(await after.AuditEntries.AnyAsync(a => a.Action == AuditActions.PackageRetired && a.ActorName == "pm", Ct));
        // Retired is final for this package: it cannot be edited (clone it instead).
        var form = (await _bed.Catalog.EditorAsync(packageId, Ct))!.Value.Form;
        Assert.False((await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, form, Ct)).Succeeded);
    }

    [Fact]
    public async Task Cloning_makes_a_new_draft_under_a_free_code_authored_by_the_cloner()
    {
        var packageId = await PackageIdAsync("P-BIG");
        var first = await _bed.Lifecycle.CloneAsync(CatalogTestBed.OtherPm, packageId, Ct);
        var second = await _bed.Lifecycle.CloneAsync(CatalogTestBed.OtherPm, packageId, Ct);

        await using var db = _bed.Database.CreateDbContext();
        var clones = await db.Packages.Include(p => p.Versions).ThenInclude(v => v.Entitlements)
            .Where(p => p.Id == first.Value!.PackageId || p.Id == second.Value!.PackageId).OrderBy(p => p.Id).ToListAsync(Ct);
        Assert.Equal(["P-BIG-COPY", "P-BIG-COPY2"], clones.Select(c => c.Code));
        Assert.All(clones, c => Assert.Equal((PackageStatus.Draft, "pm2", 40m, 1), (c.Status, c.Versions.Single().CreatedBy, c.Versions.Single().PriceCny, c.Versions.Single().Entitlements.Count)));
    }

    [Fact]
    public async Task The_list_filters_sorts_and_pages_on_the_server()
    {
        await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, CatalogTestBed.NewForm("P-NEW"), Ct);

        var (all, total) = await _bed.Catalog.ListAsync(new PackageQuery(SortBy: "UnitPricePerMTok", Descending: true), Ct);
        Assert.Equal(3, total);
        Assert.Equal(["P-SMALL", "P-NEW", "P-BIG"], all.Select(r => r.Code));
        Assert.Equal(2m, all[0].UnitPricePerMTok);
        Assert.Equal(["P-NEW"], (await _bed.Catalog.ListAsync(new PackageQuery(Status: PackageStatus.Draft), Ct)).Rows.Select(r => r.Code));
        Assert.Equal(["P-BIG"], (await _bed.Catalog.ListAsync(new PackageQuery(Tag: "finance"), Ct)).Rows.Select(r => r.Code));
        Assert.Equal(["P-BIG"], (await _bed.Catalog.ListAsync(new PackageQuery(Search: "big"), Ct)).Rows.Select(r => r.Code));
        Assert.Empty((await _bed.Catalog.ListAsync(new PackageQuery(ModelId: 2), Ct)).Rows);
        Assert.Empty((await _bed.Catalog.ListAsync(new PackageQuery(Segment: CustomerSegment.Government), Ct)).Rows);
        var page = await _bed.Catalog.ListAsync(new PackageQuery(Page: 1, PageSize: 2), Ct);
        Assert.Equal(3, page.Total);
        Assert.Equal(["P-SMALL"], page.Rows.Select(r => r.Code));
        // Margin on the cheap model (no usage yet: 75 % input): 20M × (0.75 × 1 + 0.25 × 3) = ¥30 cost on ¥30 → 0 %.
        Assert.Equal(0, all.Single(r => r.Code == "P-NEW").MarginRatio!.Value, 3);
    }

    private async Task<int> PackageIdAsync(string code)
    {
        await using var db = _bed.Database.CreateDbContext();
        return await db.Packages.Where(p => p.Code == code).Select(p => p.Id).SingleAsync(Ct);
    }

    private async Task<PackageStatus> StatusAsync(int versionId)
    {
        await using var db = _bed.Database.CreateDbContext();
        return await db.PackageVersions.Where(v => v.Id == versionId).Select(v => v.Status).SingleAsync(Ct);
    }
}
