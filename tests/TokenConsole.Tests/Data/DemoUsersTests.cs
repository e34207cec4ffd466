using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Seeding;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Data;

/// <summary>
/// Demo accounts are disabled while demo mode is off and enabled again when it is back on, but one an administrator
/// disabled stays disabled across restarts. Its own application and database: the shared one's demo users stay as they are.
/// </summary>
public sealed class DemoUsersTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ConsoleFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    /// <summary>What a start of the application does to the database, with demo mode on or off.</summary>
    private async Task StartAsync(bool demo)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<DemoOptions>>().Value;
        var demoOptions = Options.Create(new DemoOptions { Enabled = demo, Password = options.Password });
        var initializer = ActivatorUtilities.CreateInstance<DatabaseInitializer>(scope.ServiceProvider, demoOptions);
        await initializer.InitializeAsync(Ct);
    }

    private async Task<bool> IsDisabledAsync(string userName)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>().FindByNameAsync(userName))!.IsDisabled;
    }

    private async Task<List<(string Actor, string Action)>> AuditOfAsync(string userName)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<TokenConsoleDbContext>().AuditEntries
            .Where(a => a.EntityType == "User" && a.EntityId == userName).OrderBy(a => a.Id).Select(a => new { a.ActorId, a.Action }).ToListAsync(Ct))
            .Select(a => (a.ActorId, a.Action)).ToList();
    }

    [Fact]
    public async Task Demo_accounts_off_outside_demo_mode_come_back_with_it_and_both_changes_are_audited()
    {
        await StartAsync(demo: true);

        await StartAsync(demo: false);
        Assert.True(await IsDisabledAsync("pm"));
        await StartAsync(demo: true);

        Assert.False(await IsDisabledAsync("pm"));
        Assert.Equal([(Actor.DemoMode.Id, AuditActions.UserDisabled), (Actor.DemoMode.Id, AuditActions.UserEnabled)], await AuditOfAsync("pm"));
    }

    [Fact]
    public async Task A_demo_account_an_administrator_disabled_stays_disabled_after_a_restart_in_demo_mode()
    {
        await StartAsync(demo: true);
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var admin = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, Roles.Administrator)], "test"));
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
            var pm = (await users.FindByNameAsync("pm"))!;
            Assert.True((await scope.ServiceProvider.GetRequiredService<UserAdminService>().SetDisabledAsync(admin, pm.Id, true, Ct)).Succeeded);
        }

        await StartAsync(demo: true);
        Assert.True(await IsDisabledAsync("pm"));

        // Demo mode off and on again does not undo the administrator's decision either.
        await StartAsync(demo: false);
        await StartAsync(demo: true);
        Assert.True(await IsDisabledAsync("pm"));
        Assert.False(await IsDisabledAsync("ops"));
    }
}
