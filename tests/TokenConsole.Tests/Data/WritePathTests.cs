using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Usage;
using TokenConsole.Tests.Catalog;
using TokenConsole.Tests.Compute;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Data;

/// <summary>Packages through the one write path: with the audit log down, nothing of a change is saved.</summary>
public sealed class CatalogWritePathTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly CatalogTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task A_package_change_whose_audit_entry_cannot_be_written_is_refused_and_nothing_of_it_is_saved()
    {
        var submitted = await _bed.CreateSubmittedAsync();
        var token = await _bed.TokenAsync(submitted.Value!.VersionId);
        int small;
        uint smallToken;
        await using (var db = _bed.Database.CreateDbContext())
        {
            var row = await db.Packages.Where(p => p.Code == "P-SMALL").Select(p => new { p.Id, p.Version }).SingleAsync(Ct);
            (small, smallToken) = (row.Id, row.Version);
        }

        using (AuditOutage.Start(_bed.Database))
        {
            Assert.Equal(Refusal.NotSavedCode, (await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, CatalogTestBed.NewForm("P-OTHER"), Ct).RefusedAsync()).Code);
            Assert.Equal(Refusal.NotSavedCode, (await _bed.Lifecycle.ActivateAsync(CatalogTestBed.Exec, submitted.Value.VersionId, token, null, Ct).RefusedAsync()).Code);
            Assert.Equal(Refusal.NotSavedCode, (await _bed.Lifecycle.RetireAsync(CatalogTestBed.Pm, small, smallToken, Ct).RefusedAsync()).Code);
            Assert.Equal(Refusal.NotSavedCode, (await _bed.Lifecycle.CloneAsync(CatalogTestBed.Pm, small, Ct).RefusedAsync()).Code);
        }

        await using var after = _bed.Database.CreateDbContext();
        Assert.Equal(["P-BIG", "P-NEW", "P-SMALL"], await after.Packages.OrderBy(p => p.Code).Select(p => p.Code).ToListAsync(Ct));
        Assert.Equal(PackageStatus.InReview, await after.PackageVersions.Where(v => v.Id == submitted.Value.VersionId).Select(v => v.Status).SingleAsync(Ct));
        Assert.Equal(PackageStatus.Active, await after.Packages.Where(p => p.Id == small).Select(p => p.Status).SingleAsync(Ct));
        // The token did not move either: the refused activation can be tried again as it was.
        Assert.Equal(token, await _bed.TokenAsync(submitted.Value.VersionId));
        Assert.True((await _bed.Lifecycle.ActivateAsync(CatalogTestBed.Exec, submitted.Value.VersionId, token, null, Ct)).Succeeded);
    }

    [Fact]
    public void A_version_refuses_the_transitions_its_state_does_not_allow()
    {
        var author = new Actor("id-1", "Li Na");
        var package = new TokenPackage { Code = "P", CreatedBy = "Li Na", Status = PackageStatus.Draft };
        var version = new PackageVersion { NameEn = "", NameZh = "", Status = PackageStatus.Draft, CreatedBy = "Li Na", CreatedById = "id-1" };
        var now = CatalogTestBed.Start;

        Assert.Equal("Only a version in review can be activated.", version.Approve(package, new Actor("id-2", "Other"), now, null)?.Code);
        Assert.Equal("Only a version in review or scheduled can be returned to draft.", version.ReturnToDraft(package)?.Code);
        Assert.Null(version.Submit(package, author, now));
        Assert.Equal((PackageStatus.InReview, PackageStatus.InReview, "id-1"), (version.Status, package.Status, version.SubmittedById));
        Assert.Equal("Only a draft can be submitted for review.", version.Submit(package, author, now)?.Code);
        // The author, under another name, is still the author.
        Assert.Equal("You wrote this version: an executive or another product manager must activate it.",
            version.Approve(package, author with { Name = "Li Na (Sales)" }, now, null)?.Code);
        Assert.Null(version.Approve(package, new Actor("id-2", "Li Na"), now, null));
        Assert.Equal((PackageStatus.Active, PackageStatus.Active), (version.Status, package.Status));
        Assert.Null(package.Retire(now));
        Assert.Equal("Only a package on sale can be retired.", package.Retire(now)?.Code);
    }
}

/// <summary>Models, pools and deployments through the one write path: with the audit log down, nothing is saved.</summary>
public sealed class ComputeWritePathTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ComputeTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task A_compute_change_whose_audit_entry_cannot_be_written_is_refused_and_nothing_of_it_is_saved()
    {
        var pool = await _bed.ReadAsync(db => db.Pools.AsNoTracking().SingleAsync(p => p.Id == ComputeTestBed.C, Ct));
        var form = PoolForm.From(pool);
        form.CapacityTokensPerSecond = 900;
        var deployment = await _bed.DeploymentAsync(ComputeTestBed.Two, ComputeTestBed.C);

        using (AuditOutage.Start(_bed.Database))
        {
            Assert.Equal(Refusal.NotSavedCode, (await _bed.Edit.SavePoolAsync(ComputeTestBed.Ops, form, Ct).RefusedAsync()).Code);
            Assert.Equal(Refusal.NotSavedCode, (await _bed.Edit.ChangePoolStatusAsync(ComputeTestBed.Ops, ComputeTestBed.C, pool.Version, PoolStatus.Maintenance, confirmed: true, Ct).RefusedAsync()).Code);
            Assert.Equal(Refusal.NotSavedCode, (await _bed.Edit.RemoveDeploymentAsync(ComputeTestBed.Ops, deployment.Id, deployment.Version, Ct).RefusedAsync()).Code);
            Assert.Equal(Refusal.NotSavedCode, (await _bed.Edit.SaveModelAsync(ComputeTestBed.Ops, new ModelForm { Code = "m-new", Name = "New", Vendor = "v", Family = "f" }, ct: Ct).RefusedAsync()).Code);
        }

        var after = await _bed.ReadAsync(db => db.Pools.AsNoTracking().SingleAsync(p => p.Id == ComputeTestBed.C, Ct));
        Assert.Equal((300L, PoolStatus.Online, pool.Version), (after.CapacityTokensPerSecond, after.Status, after.Version));
        Assert.Equal(4, await _bed.ReadAsync(db => db.Deployments.CountAsync(Ct)));
        Assert.False(await _bed.ReadAsync(db => db.Models.AnyAsync(m => m.Code == "m-new", Ct)));
        Assert.False(await _bed.ReadAsync(db => db.AuditEntries.AnyAsync(Ct)));
    }

    [Fact]
    public async Task A_pool_status_change_is_audited_as_the_pool_before_and_after_with_the_status_by_name()
    {
        var pool = await _bed.ReadAsync(db => db.Pools.AsNoTracking().SingleAsync(p => p.Id == ComputeTestBed.C, Ct));
        await _bed.Edit.ChangePoolStatusAsync(ComputeTestBed.Ops, ComputeTestBed.C, pool.Version, PoolStatus.Maintenance, confirmed: true, Ct).OkAsync();

        var entry = await _bed.ReadAsync(db => db.AuditEntries.SingleAsync(Ct));
        Assert.Equal(AuditActions.PoolStatusChanged, entry.Action);
        Assert.Equal([new AuditFieldChange("Status", "Online", "Maintenance")], AuditLogService.Diff(entry.BeforeJson, entry.AfterJson));
    }
}

/// <summary>
/// Users, API keys and the CSV import in the whole application (local accounts): the audit log down means nothing is
/// saved, and a person whose role changed in the database is refused at once, whatever their sign-in still says.
/// </summary>
public sealed class HostWritePathTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Password = "Valid-Pass-2026";

    private static readonly ClaimsPrincipal Admin = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, Roles.Administrator)], "test"));

    private IDbContextFactory<TokenConsoleDbContext> Database => factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>();

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task A_user_change_whose_audit_entry_cannot_be_written_is_refused_and_nothing_of_it_is_saved()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserAdminService>();
        var existing = Unique("keep");
        await users.CreateAsync(Admin, existing, "Keep", Roles.Operations, Password, Ct).OkAsync();
        var id = (await scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>().FindByNameAsync(existing))!.Id;
        var created = Unique("new");

        using (AuditOutage.Start(Database))
        {
            Assert.Equal(Refusal.NotSavedCode, (await users.CreateAsync(Admin, created, "New", Roles.Operations, Password, Ct).RefusedAsync()).Code);
            Assert.Equal(Refusal.NotSavedCode, (await users.ChangeRoleAsync(Admin, id, Roles.Executive, Ct).RefusedAsync()).Code);
            Assert.Equal(Refusal.NotSavedCode, (await users.SetDisabledAsync(Admin, id, true, Ct).RefusedAsync()).Code);
        }

        var rows = await users.UsersAsync(Ct);
        Assert.DoesNotContain(rows, u => u.UserName == created);
        Assert.Equal((Roles.Operations, false), rows.Where(u => u.Id == id).Select(u => (u.Role, u.Disabled)).Single());
    }

    [Fact]
    public async Task An_API_key_change_whose_audit_entry_cannot_be_written_is_refused_and_nothing_of_it_is_saved()
    {
        var keys = factory.Services.GetRequiredService<ApiKeyService>();
        var kept = await keys.CreateAsync(Admin, Unique("kept"), [ApiScopes.UsageWrite], Ct).OkAsync();
        var name = Unique("never");

        using (AuditOutage.Start(Database))
        {
            Assert.Equal(Refusal.NotSavedCode, (await keys.CreateAsync(Admin, name, [ApiScopes.UsageWrite], Ct).RefusedAsync()).Code);
            Assert.Equal(Refusal.NotSavedCode, (await keys.RevokeAsync(Admin, kept.Key.Id, Ct).RefusedAsync()).Code);
        }

        var list = await keys.ListAsync(Ct);
        Assert.DoesNotContain(list, k => k.Name == name);
        Assert.Null(list.Single(k => k.Id == kept.Key.Id).RevokedAt);
        // The key whose revocation was refused still opens the API.
        Assert.NotNull(keys.Authenticate(kept.Secret));
    }

    [Fact]
    public async Task A_CSV_import_whose_audit_entry_cannot_be_written_is_refused_and_leaves_no_entry()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<UsageImportAudit>();
        var ops = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "ops"), new Claim(ClaimTypes.Role, Roles.Operations)], "test"));
        var file = Unique("usage") + ".csv";

        using (AuditOutage.Start(Database))
        {
            var refused = await audit.RecordAsync(ops, new UsageImportSnapshot(file, 10, 7, 2, 1, Completed: true), Ct).RefusedAsync();
            Assert.Equal(Refusal.NotSavedCode, refused.Code);
        }
        await using (var db = await Database.CreateDbContextAsync(Ct))
        {
            Assert.False(await db.AuditEntries.AnyAsync(a => a.EntityId == file, Ct));
        }

        await audit.RecordAsync(ops, new UsageImportSnapshot(file, 10, 7, 2, 1, Completed: true), Ct).OkAsync();
        await using (var db = await Database.CreateDbContextAsync(Ct))
        {
            var entry = await db.AuditEntries.SingleAsync(a => a.EntityId == file, Ct);
            Assert.Equal((AuditActions.UsageImported, "ops"), (entry.Action, entry.ActorName));
            Assert.Contains("\"Accepted\":7,\"Duplicates\":2,\"Rejected\":1", entry.AfterJson, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_person_demoted_or_disabled_in_the_database_is_refused_on_the_next_write_though_their_sign_in_still_says_otherwise()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var userName = Unique("admin2");
        var person = new ConsoleUser { UserName = userName, DisplayName = "Second Admin" };
        Assert.True((await userManager.CreateAsync(person, Password)).Succeeded);
        Assert.True((await userManager.AddToRoleAsync(person, Roles.Administrator)).Succeeded);
        // What the sign-in cookie carries (Identity's own principal factory): the id, the name and the role at sign-in.
        var signedIn = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ConsoleUser>>().CreateAsync(person);
        Assert.True(signedIn.IsInRole(Roles.Administrator));
        var keys = factory.Services.GetRequiredService<ApiKeyService>();
        var first = await keys.CreateAsync(signedIn, Unique("while-admin"), [ApiScopes.UsageWrite], Ct).OkAsync();
        var entry = await ReadAsync(db => db.AuditEntries.SingleAsync(a => a.Action == AuditActions.ApiKeyCreated && a.EntityId == first.Key.Id.ToString(), Ct));
        Assert.Equal((person.Id, "Second Admin"), (entry.ActorId, entry.ActorName));

        await using (var other = factory.Services.CreateAsyncScope())
        {
            var users = other.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
            var fresh = (await users.FindByIdAsync(person.Id))!;
            await users.RemoveFromRoleAsync(fresh, Roles.Administrator);
            await users.AddToRoleAsync(fresh, Roles.Operations);
        }
        Assert.True(signedIn.IsInRole(Roles.Administrator));
        Assert.Same(Refusal.Forbidden, await keys.CreateAsync(signedIn, Unique("after-demotion"), [ApiScopes.UsageWrite], Ct).RefusedAsync());
        Assert.Same(Refusal.Forbidden, await keys.RevokeAsync(signedIn, first.Key.Id, Ct).RefusedAsync());

        await using (var other = factory.Services.CreateAsyncScope())
        {
            var users = other.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
            var fresh = (await users.FindByIdAsync(person.Id))!;
            await users.RemoveFromRoleAsync(fresh, Roles.Operations);
            await users.AddToRoleAsync(fresh, Roles.Administrator);
            fresh.IsDisabled = true;
            await users.UpdateAsync(fresh);
        }
        Assert.Same(Refusal.Forbidden, await keys.CreateAsync(signedIn, Unique("while-disabled"), [ApiScopes.UsageWrite], Ct).RefusedAsync());
        Assert.Null((await keys.ListAsync(Ct)).Single(k => k.Id == first.Key.Id).RevokedAt);
    }

    private async Task<T> ReadAsync<T>(Func<TokenConsoleDbContext, Task<T>> read)
    {
        await using var db = await Database.CreateDbContextAsync(Ct);
        return await read(db);
    }
}
