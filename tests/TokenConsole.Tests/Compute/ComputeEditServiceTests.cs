using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Compute;
using TokenConsole.Tests.Infrastructure;
using static TokenConsole.Tests.Compute.ComputeTestBed;

namespace TokenConsole.Tests.Compute;

/// <summary>The rules of models, pools and deployments, enforced by the server whatever the page sends.</summary>
public sealed class ComputeEditServiceTests : IDisposable
{
    private readonly ComputeTestBed _bed = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _bed.Dispose();

    private static DeploymentForm NewDeployment(int model, int pool, long allocated, DeploymentRole role = DeploymentRole.Primary) =>
        new() { ModelId = model, PoolId = pool, AllocatedTokensPerSecond = allocated, RoutingWeight = 50, Role = role };

    private async Task<PoolForm> PoolFormAsync(int pool) => PoolForm.From(await _bed.ReadAsync(db => db.Pools.AsNoTracking().SingleAsync(p => p.Id == pool, Ct)));

    private async Task<ModelForm> ModelFormAsync(int model) => ModelForm.From(await _bed.ReadAsync(db => db.Models.AsNoTracking().SingleAsync(m => m.Id == model, Ct)));

    [Fact]
    public async Task An_allocation_beyond_the_pool_capacity_is_refused_and_nothing_is_saved()
    {
        // Pool B: 500 tokens/s, 300 allocated to model One.
        var refused = await (_bed.Edit.SaveDeploymentAsync(Ops, NewDeployment(Three, B, 201), Ct)).RefusedAsync();

        Assert.Equal("Over the pool's capacity: only {0} tokens/s are free on this pool.", refused.Code);
        Assert.Equal("allocated", refused.Field);
        Assert.Equal(200L, refused.Args.Single());
        Assert.False(await _bed.ReadAsync(db => db.Deployments.AnyAsync(d => d.ModelId == Three, Ct)));

        await _bed.Edit.SaveDeploymentAsync(Ops, NewDeployment(Three, B, 200), Ct).OkAsync();
        Assert.Equal(500, await _bed.ReadAsync(db => db.Deployments.Where(d => d.PoolId == B).SumAsync(d => d.AllocatedTokensPerSecond, Ct)));
    }

    [Fact]
    public async Task A_saved_change_drops_the_cached_alerts_so_the_app_bar_shows_its_effect_at_once()
    {
        Microsoft.Extensions.Caching.Memory.CacheExtensions.Set(_bed.Cache, ComputeAlerts.CacheKey, "stale alerts");
        await (_bed.Edit.SaveDeploymentAsync(Ops, NewDeployment(Three, B, 201), Ct)).RefusedAsync();
        Assert.True(_bed.Cache.TryGetValue(ComputeAlerts.CacheKey, out _), "a refused change leaves the alerts as they were");

        await _bed.Edit.SaveDeploymentAsync(Ops, NewDeployment(Three, B, 200), Ct).OkAsync();
        Assert.False(_bed.Cache.TryGetValue(ComputeAlerts.CacheKey, out _));
    }

    [Fact]
    public async Task Raising_an_existing_allocation_over_capacity_is_refused_but_its_own_allocation_is_not_counted_twice()
    {
        var form = DeploymentForm.From(await _bed.DeploymentAsync(One, B));
        form.AllocatedTokensPerSecond = 501;
        var refused = await (_bed.Edit.SaveDeploymentAsync(Ops, form, Ct)).RefusedAsync();
        Assert.Equal(500L, refused.Args.Single());

        form.AllocatedTokensPerSecond = 500;
        await _bed.Edit.SaveDeploymentAsync(Ops, form, Ct).OkAsync();
        Assert.Equal(500, (await _bed.DeploymentAsync(One, B)).AllocatedTokensPerSecond);
    }

    [Fact]
    public async Task Removing_or_demoting_the_last_online_primary_of_a_model_on_sale_is_refused()
    {
        var last = await _bed.DeploymentAsync(Two, A);
        var removal = await (_bed.Edit.RemoveDeploymentAsync(Ops, last.Id, last.Version, Ct)).RefusedAsync();
        Assert.StartsWith("This is the last primary deployment on an online pool of a model on sale", removal.Code);

        var demotion = DeploymentForm.From(last);
        demotion.Role = DeploymentRole.Failover;
        await (_bed.Edit.SaveDeploymentAsync(Ops, demotion, Ct)).RefusedAsync();
        Assert.Equal(DeploymentRole.Primary, (await _bed.DeploymentAsync(Two, A)).Role);

        // Model One keeps its primary on B: its primary on A may go.
        var one = await _bed.DeploymentAsync(One, A);
        await _bed.Edit.RemoveDeploymentAsync(Ops, one.Id, one.Version, Ct).OkAsync();
        Assert.False(await _bed.ReadAsync(db => db.Deployments.AnyAsync(d => d.Id == one.Id, Ct)));
        // …and now B is One's last one.
        var b = await _bed.DeploymentAsync(One, B);
        await (_bed.Edit.RemoveDeploymentAsync(Ops, b.Id, b.Version, Ct)).RefusedAsync();
    }

    [Fact]
    public async Task A_primary_on_a_pool_that_is_not_online_does_not_count_as_the_other_primary()
    {
        var b = await PoolFormAsync(B);
        await _bed.Edit.ChangePoolStatusAsync(Ops, B, b.Version, PoolStatus.Maintenance, confirmed: false, Ct).OkAsync();
        var one = await _bed.DeploymentAsync(One, A);

        await (_bed.Edit.RemoveDeploymentAsync(Ops, one.Id, one.Version, Ct)).RefusedAsync();
    }

    [Fact]
    public async Task Lowering_a_pool_capacity_below_what_is_allocated_is_refused()
    {
        // Pool A: 400 + 200 allocated.
        var form = await PoolFormAsync(A);
        form.CapacityTokensPerSecond = 599;

        var refused = await (_bed.Edit.SavePoolAsync(Ops, form, Ct)).RefusedAsync();

        Assert.Equal("The capacity cannot be lower than what is allocated on the pool ({0} tokens/s): reduce the deployments first.", refused.Code);
        Assert.Equal(600L, refused.Args.Single());
        Assert.Equal(1_000, (await PoolFormAsync(A)).CapacityTokensPerSecond);
        form.CapacityTokensPerSecond = 600;
        await _bed.Edit.SavePoolAsync(Ops, form, Ct).OkAsync();
        Assert.Equal(600, (await PoolFormAsync(A)).CapacityTokensPerSecond);
    }

    [Fact]
    public async Task Withdrawing_a_model_that_a_package_on_sale_entitles_needs_confirmation_and_names_the_packages()
    {
        var form = await ModelFormAsync(Two);
        form.Status = ModelStatus.Withdrawn;

        Assert.Equal(["GOV-PACK"], await _bed.Edit.PackagesEntitlingAsync(Two, Ct));
        var refused = await (_bed.Edit.SaveModelAsync(Ops, form, confirmWithdrawal: false, Ct)).RefusedAsync();
        Assert.Equal(["GOV-PACK"], refused.NeedsConfirmation);
        Assert.Equal(ModelStatus.OnSale, (await ModelFormAsync(Two)).Status);

        await _bed.Edit.SaveModelAsync(Ops, form, confirmWithdrawal: true, Ct).OkAsync();
        Assert.Equal(ModelStatus.Withdrawn, (await ModelFormAsync(Two)).Status);
        var audit = await _bed.ReadAsync(db => db.AuditEntries.SingleAsync(a => a.Action == AuditActions.ModelEdited, Ct));
        Assert.Contains("\"Status\":\"OnSale\"", audit.BeforeJson);
        Assert.Contains("\"Status\":\"Withdrawn\"", audit.AfterJson);
    }

    [Fact]
    public async Task A_model_cannot_go_on_sale_before_it_has_a_primary_on_an_online_pool()
    {
        var form = await ModelFormAsync(Three);
        form.Status = ModelStatus.OnSale;
        var refused = await (_bed.Edit.SaveModelAsync(Ops, form, ct: Ct)).RefusedAsync();
        Assert.Equal("status", refused.Field);

        await _bed.Edit.SaveDeploymentAsync(Ops, NewDeployment(Three, C, 100), Ct).OkAsync();
        await _bed.Edit.SaveModelAsync(Ops, form, ct: Ct).OkAsync();
        Assert.Equal(ModelStatus.OnSale, (await ModelFormAsync(Three)).Status);
    }

    [Fact]
    public async Task A_stale_version_is_refused_and_the_other_person_change_is_kept()
    {
        var mine = await PoolFormAsync(A);
        var theirs = await PoolFormAsync(A);
        theirs.Name = "Theirs";
        await _bed.Edit.SavePoolAsync(Ops, theirs, Ct).OkAsync();

        mine.Name = "Mine";
        var refused = await (_bed.Edit.SavePoolAsync(Ops, mine, Ct)).RefusedAsync();

        Assert.True(refused.Conflict);
        Assert.Equal(Refusal.StaleCode, refused.Code);
        Assert.Equal("Theirs", (await PoolFormAsync(A)).Name);
    }

    [Fact]
    public async Task A_deployment_edited_by_someone_else_meanwhile_is_stale()
    {
        var mine = DeploymentForm.From(await _bed.DeploymentAsync(One, A));
        var theirs = DeploymentForm.From(await _bed.DeploymentAsync(One, A));
        theirs.RoutingWeight = 70;
        await _bed.Edit.SaveDeploymentAsync(Ops, theirs, Ct).OkAsync();

        mine.RoutingWeight = 10;
        Assert.True((await (_bed.Edit.SaveDeploymentAsync(Ops, mine, Ct)).RefusedAsync()).Conflict);
        var stale = await _bed.DeploymentAsync(One, A);
        Assert.Equal(70, stale.RoutingWeight);
        await (_bed.Edit.RemoveDeploymentAsync(Ops, stale.Id, mine.Version, Ct)).RefusedAsync();
    }

    public static TheoryData<string> OtherRoles => [Roles.ProductManager, Roles.Executive, Roles.Administrator];

    [Theory]
    [MemberData(nameof(OtherRoles))]
    public async Task Only_operations_may_change_models_pools_and_deployments(string role)
    {
        var user = User("someone", role);
        var deployment = await _bed.DeploymentAsync(One, A);
        var pool = await PoolFormAsync(C);
        var model = await ModelFormAsync(Three);
        model.Name = "Renamed";

        await AssertForbidden(() => _bed.Edit.SaveDeploymentAsync(user, NewDeployment(Three, C, 10), Ct));
        await AssertForbidden(() => _bed.Edit.RemoveDeploymentAsync(user, deployment.Id, deployment.Version, Ct));
        await AssertForbidden(() => _bed.Edit.SavePoolAsync(user, pool, Ct));
        await AssertForbidden(() => _bed.Edit.ChangePoolStatusAsync(user, C, pool.Version, PoolStatus.Offline, confirmed: true, Ct));
        await AssertForbidden(() => _bed.Edit.SaveModelAsync(user, model, ct: Ct));
        await AssertForbidden(() => _bed.Edit.SaveDeploymentAsync(new ClaimsPrincipal(new ClaimsIdentity()), NewDeployment(Three, C, 10), Ct));

        Assert.Equal(4, await _bed.ReadAsync(db => db.Deployments.CountAsync(Ct)));
        Assert.Equal(PoolStatus.Online, (await _bed.ReadAsync(db => db.Pools.SingleAsync(p => p.Id == C, Ct))).Status);
        Assert.Equal("M Three", (await ModelFormAsync(Three)).Name);
        // No change is audited; each attempt by a signed-in person is, as refused (issue 12); the anonymous one is not.
        Assert.Equal(Enumerable.Repeat(AuditActions.WriteRefused, 5), await _bed.ReadAsync(db => db.AuditEntries.Select(a => a.Action).ToListAsync(Ct)));

        static async Task AssertForbidden<T>(Func<Task<WriteResult<T>>> action) =>
            Assert.Equal("You are not allowed to do this.", (await action().RefusedAsync()).Code);
    }

    [Fact]
    public async Task Every_change_is_audited_with_who_before_and_after()
    {
        var added = await _bed.Edit.SaveDeploymentAsync(Ops, NewDeployment(Three, C, 50, DeploymentRole.Failover), Ct).OkAsync();
        var form = DeploymentForm.From(await _bed.DeploymentAsync(Three, C));
        form.AllocatedTokensPerSecond = 80;
        await _bed.Edit.SaveDeploymentAsync(Ops, form, Ct).OkAsync();
        var latest = await _bed.DeploymentAsync(Three, C);
        await _bed.Edit.RemoveDeploymentAsync(Ops, latest.Id, latest.Version, Ct).OkAsync();
        var pool = await PoolFormAsync(C);
        await _bed.Edit.ChangePoolStatusAsync(Ops, C, pool.Version, PoolStatus.Maintenance, confirmed: false, Ct).OkAsync();
        await _bed.Edit.SavePoolAsync(Ops, new PoolForm { Code = "pool-d", Name = "D", NameZh = "丁", RegionCode = "CN-NM", AcceleratorKind = "L20", CapacityTokensPerSecond = 100 }, Ct).OkAsync();
        await _bed.Edit.SaveModelAsync(Ops, new ModelForm { Code = "m-four", Name = "Four", Vendor = "v", Family = "f" }, ct: Ct).OkAsync();

        var entries = await _bed.ReadAsync(db => db.AuditEntries.OrderBy(a => a.Id).ToListAsync(Ct));
        Assert.Equal([AuditActions.DeploymentAdded, AuditActions.DeploymentEdited, AuditActions.DeploymentRemoved, AuditActions.PoolStatusChanged, AuditActions.PoolCreated, AuditActions.ModelCreated],
            entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal("ops", e.ActorName));
        Assert.Equal(added.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), entries[0].EntityId);
        Assert.Null(entries[0].BeforeJson);
        Assert.Contains("\"Model\":\"m-three\",\"Pool\":\"pool-c\",\"AllocatedTokensPerSecond\":50", entries[0].AfterJson);
        Assert.Contains("\"AllocatedTokensPerSecond\":50", entries[1].BeforeJson);
        Assert.Contains("\"AllocatedTokensPerSecond\":80", entries[1].AfterJson);
        Assert.Null(entries[2].AfterJson);
        Assert.Contains("\"Status\":\"Online\"", entries[3].BeforeJson);
        Assert.Contains("\"Status\":\"Maintenance\"", entries[3].AfterJson);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_the_field_it_belongs_to_and_changes_nothing()
    {
        async Task<string?> FieldOf<T>(Func<Task<WriteResult<T>>> action) => (await action().RefusedAsync()).Field;

        Assert.Equal("code", await FieldOf(() => _bed.Edit.SaveModelAsync(Ops, new ModelForm { Code = "Bad Code", Name = "n", Vendor = "v", Family = "f" }, ct: Ct)));
        Assert.Equal("context", await FieldOf(() => _bed.Edit.SaveModelAsync(Ops, new ModelForm { Code = "ok-code", Name = "n", Vendor = "v", Family = "f", ContextWindow = 0 }, ct: Ct)));
        Assert.Equal("input-cost", await FieldOf(() => _bed.Edit.SaveModelAsync(Ops, new ModelForm { Code = "ok-code", Name = "n", Vendor = "v", Family = "f", InputCostPerMTok = -1 }, ct: Ct)));
        Assert.Equal("name", await FieldOf(() => _bed.Edit.SaveModelAsync(Ops, new ModelForm { Code = "ok-code", Name = " ", Vendor = "v", Family = "f" }, ct: Ct)));
        var duplicate = await (_bed.Edit.SaveModelAsync(Ops, new ModelForm { Code = "m-one", Name = "n", Vendor = "v", Family = "f" }, ct: Ct)).RefusedAsync();
        Assert.Equal(("code", "Another model already uses this code."), (duplicate.Field, duplicate.Code));
        Assert.Equal("region", await FieldOf(() => _bed.Edit.SavePoolAsync(Ops, new PoolForm { Code = "pool-x", Name = "x", NameZh = "x", RegionCode = "CN-XX", AcceleratorKind = "L20" }, Ct)));
        Assert.Equal("code", await FieldOf(() => _bed.Edit.SavePoolAsync(Ops, new PoolForm { Code = "pool-a", Name = "x", NameZh = "x", RegionCode = "CN-GD", AcceleratorKind = "L20" }, Ct)));
        var zeroWeight = NewDeployment(Three, C, 10);
        zeroWeight.RoutingWeight = 0;
        Assert.Equal("weight", await FieldOf(() => _bed.Edit.SaveDeploymentAsync(Ops, zeroWeight, Ct)));
        var badRegion = NewDeployment(Three, C, 10);
        badRegion.ResidencyRegions = ["CN-XX"];
        Assert.Equal("residency", await FieldOf(() => _bed.Edit.SaveDeploymentAsync(Ops, badRegion, Ct)));
        Assert.Equal("allocated", await FieldOf(() => _bed.Edit.SaveDeploymentAsync(Ops, NewDeployment(Three, C, 0), Ct)));
        await (_bed.Edit.SaveDeploymentAsync(Ops, NewDeployment(Three, 99, 10), Ct)).RefusedAsync();
        await (_bed.Edit.ChangePoolStatusAsync(Ops, A, 0, (PoolStatus)42, confirmed: true, Ct)).RefusedAsync();

        Assert.Equal(3, await _bed.ReadAsync(db => db.Models.CountAsync(Ct)));
        Assert.Equal(3, await _bed.ReadAsync(db => db.Pools.CountAsync(Ct)));
        Assert.False(await _bed.ReadAsync(db => db.Deployments.AnyAsync(d => d.ModelId == Three, Ct)));
        Assert.False(await _bed.ReadAsync(db => db.AuditEntries.AnyAsync(Ct)));
    }

    [Fact]
    public async Task Putting_a_pool_offline_that_leaves_a_model_on_sale_without_primary_needs_explicit_confirmation()
    {
        var pool = await PoolFormAsync(A);

        var refused = await (_bed.Edit.ChangePoolStatusAsync(Ops, A, pool.Version, PoolStatus.Offline, confirmed: false, Ct)).RefusedAsync();

        Assert.Equal(["M Two"], refused.NeedsConfirmation);
        Assert.Equal(PoolStatus.Online, (await _bed.ReadAsync(db => db.Pools.SingleAsync(p => p.Id == A, Ct))).Status);
        await _bed.Edit.ChangePoolStatusAsync(Ops, A, pool.Version, PoolStatus.Offline, confirmed: true, Ct).OkAsync();
        Assert.Equal(PoolStatus.Offline, (await _bed.ReadAsync(db => db.Pools.SingleAsync(p => p.Id == A, Ct))).Status);
        var audit = await _bed.ReadAsync(db => db.AuditEntries.SingleAsync(Ct));
        // The pool before and after, one shape: its status, and the models the person confirmed to leave without a primary.
        Assert.Equal([new AuditFieldChange("Status", "Online", "Offline"), new AuditFieldChange("ModelsLeftWithoutPrimary[0]", null, "m-two")],
            AuditLogService.Diff(audit.BeforeJson, audit.AfterJson));
    }
}
