using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Admin;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Admin;

/// <summary>Users and roles against the real Identity store, in the shared application (other tests sign in as admin: it stays as it is).</summary>
public sealed class UserAdminTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Password = "Valid-Pass-2026";

    private static ClaimsPrincipal As(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "test"));

    private static readonly ClaimsPrincipal Admin = As("admin", Roles.Administrator);

    private UserAdminService Service => factory.Services.GetRequiredService<IServiceScopeFactory>().CreateScope().ServiceProvider.GetRequiredService<UserAdminService>();

    private async Task<ConsoleUser> FindAsync(string userName)
    {
        using var scope = factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>().FindByNameAsync(userName))!;
    }

    private async Task<List<AuditEntry>> AuditOfAsync(string userName)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<TokenConsoleDbContext>().AuditEntries.Where(a => a.EntityType == "User" && a.EntityId == userName)
            .OrderBy(a => a.Id).ToListAsync(Ct);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..16];

    [Fact]
    public async Task The_last_active_administrator_can_be_neither_disabled_nor_demoted()
    {
        var admin = await FindAsync("admin");
        var service = Service;

        var disable = await service.SetDisabledAsync(Admin, admin.Id, true, Ct);
        var demote = await service.ChangeRoleAsync(Admin, admin.Id, Roles.Executive, Ct);

        Assert.Equal(UserAdminService.LastAdministratorError, disable.Refusal?.Code);
        Assert.Equal(UserAdminService.LastAdministratorError, demote.Refusal?.Code);
        Assert.False((await FindAsync("admin")).IsDisabled);
        Assert.Contains((await service.UsersAsync(Ct)), u => u.UserName == "admin" && u.Role == Roles.Administrator && !u.Disabled);

        // A disabled administrator does not count: "admin" is still the last active one.
        var spare = Unique("spare");
        Assert.True((await service.CreateAsync(Admin, spare, "Spare Admin", Roles.Administrator, Password, Ct)).Succeeded);
        var spareId = (await FindAsync(spare)).Id;
        Assert.True((await service.SetDisabledAsync(Admin, spareId, true, Ct)).Succeeded);
        Assert.Equal(UserAdminService.LastAdministratorError, (await service.ChangeRoleAsync(Admin, admin.Id, Roles.Operations, Ct)).Refusal?.Code);

        // With another active administrator, one of them may be demoted.
        Assert.True((await service.SetDisabledAsync(Admin, spareId, false, Ct)).Succeeded);
        Assert.True((await service.ChangeRoleAsync(Admin, spareId, Roles.Executive, Ct)).Succeeded);
        Assert.Contains((await service.UsersAsync(Ct)), u => u.UserName == spare && u.Role == Roles.Executive);
    }

    [Fact]
    public async Task Every_change_is_audited_and_the_password_never_is()
    {
        var service = Service;
        var name = Unique("newbie");
        Assert.True((await service.CreateAsync(Admin, name, "New Bie", Roles.ProductManager, Password, Ct)).Succeeded);
        var id = (await FindAsync(name)).Id;
        Assert.True((await service.ChangeRoleAsync(Admin, id, Roles.Operations, Ct)).Succeeded);
        Assert.True((await service.ResetPasswordAsync(Admin, id, "Another-Pass-2027", Ct)).Succeeded);
        Assert.True((await service.SetDisabledAsync(Admin, id, true, Ct)).Succeeded);
        Assert.True((await service.SetDisabledAsync(Admin, id, false, Ct)).Succeeded);

        var audit = await AuditOfAsync(name);
        Assert.Equal([AuditActions.UserCreated, AuditActions.UserRoleChanged, AuditActions.UserPasswordReset, AuditActions.UserDisabled, AuditActions.UserEnabled], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal("admin", a.ActorName));
        // One shape before and after (the user): the diff is the role and nothing else.
        Assert.Equal([new AuditFieldChange("Role", "ProductManager", "Operations")], AuditLogService.Diff(audit[1].BeforeJson, audit[1].AfterJson));
        Assert.Equal([new AuditFieldChange("Disabled", "false", "true")], AuditLogService.Diff(audit[3].BeforeJson, audit[3].AfterJson));
        Assert.DoesNotContain(audit, a => (a.AfterJson ?? "").Contains("Pass-", StringComparison.Ordinal) || (a.BeforeJson ?? "").Contains("Pass-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_created_user_signs_in_a_disabled_one_cannot_and_a_reset_password_works()
    {
        var service = Service;
        var name = Unique("signer");
        Assert.True((await service.CreateAsync(Admin, name, "Sign Er", Roles.Executive, Password, Ct)).Succeeded);
        using (var client = factory.CreateBrowserLikeClient())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await ConsoleFactory.PostSignInAsync(client, name, Password)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/audit", Ct)).StatusCode);
        }
        var id = (await FindAsync(name)).Id;
        Assert.True((await service.SetDisabledAsync(Admin, id, true, Ct)).Succeeded);
        using (var client = factory.CreateBrowserLikeClient())
        {
            Assert.NotEqual(HttpStatusCode.Redirect, (await ConsoleFactory.PostSignInAsync(client, name, Password)).StatusCode);
        }
        Assert.True((await service.SetDisabledAsync(Admin, id, false, Ct)).Succeeded);
        Assert.True((await service.ResetPasswordAsync(Admin, id, "Fresh-Pass-2028", Ct)).Succeeded);
        using (var client = factory.CreateBrowserLikeClient())
        {
            Assert.NotEqual(HttpStatusCode.Redirect, (await ConsoleFactory.PostSignInAsync(client, name, Password)).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await ConsoleFactory.PostSignInAsync(client, name, "Fresh-Pass-2028")).StatusCode);
        }
    }

    [Fact]
    public async Task Bad_input_is_refused_and_changes_nothing()
    {
        var service = Service;
        var name = Unique("weak");
        var weak = await service.CreateAsync(Admin, name, "Weak", Roles.Operations, "short", Ct);
        Assert.False(weak.Succeeded);
        // Identity's password rules, in its own words, under the password field.
        Assert.NotEmpty(weak.Refusal!.Fields!["password"]);
        Assert.Null(await FindAsync(name));
        Assert.Empty(await AuditOfAsync(name));

        Assert.Equal("That user name is taken.", (await service.CreateAsync(Admin, "pm", "Again", Roles.Operations, Password, Ct)).Refusal?.Code);
        Assert.Equal("Choose one of the roles.", (await service.CreateAsync(Admin, Unique("x"), "X", "Superuser", Password, Ct)).Refusal?.Code);
        // Each field's problem under that field, all at once.
        var blank = (await service.CreateAsync(Admin, " ", "", Roles.Operations, "short", Ct)).Refusal!;
        Assert.Equal(("Enter a user name.", "userName"), (blank.Code, blank.Field));
        Assert.Equal(["displayName", "password", "userName"], blank.Fields!.Keys.Order());
        Assert.Equal("Enter the person's name.", blank.Fields["displayName"].Single().Key);
        Assert.Contains(blank.Fields["password"], m => m.Key.Contains("at least 10 characters", StringComparison.Ordinal));
        Assert.Equal("The user no longer exists.", (await service.SetDisabledAsync(Admin, "no-such-id", true, Ct)).Refusal?.Code);
        var pm = await FindAsync("pm");
        Assert.False((await service.ResetPasswordAsync(Admin, pm.Id, "short", Ct)).Succeeded);
    }

    [Theory]
    [InlineData("exec", Roles.Executive)]
    [InlineData("ops", Roles.Operations)]
    public async Task Only_an_administrator_may_change_users(string actor, string role)
    {
        var service = Service;
        var pm = await FindAsync("pm");
        var principal = As(actor, role);
        Assert.Equal("Only an administrator can manage users.", (await service.SetDisabledAsync(principal, pm.Id, true, Ct)).Refusal?.Code);
        Assert.Equal("Only an administrator can manage users.", (await service.ChangeRoleAsync(principal, pm.Id, Roles.Administrator, Ct)).Refusal?.Code);
        Assert.Equal("Only an administrator can manage users.", (await service.CreateAsync(principal, Unique("sneaky"), "S", Roles.Administrator, Password, Ct)).Refusal?.Code);
        Assert.False((await FindAsync("pm")).IsDisabled);
    }
}
