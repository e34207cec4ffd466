using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Auth;
using TokenConsole.Features.Pricing;

namespace TokenConsole.Tests.Pricing;

/// <summary>The pricing module on a real SQLite database with a fake clock, and the people who propose and decide.</summary>
public abstract class PriceChangeTestBed : IDisposable
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 20, 4, 0, 0, TimeSpan.Zero);
    protected static readonly ClaimsPrincipal Pm = User("pm", Roles.ProductManager);
    protected static readonly ClaimsPrincipal Ops = User("ops", Roles.Operations);
    protected static readonly ClaimsPrincipal Exec = User("exec", Roles.Executive);

    protected TestDatabase Database { get; } = new();
    protected FakeTimeProvider Clock { get; } = new(Start);
    protected RuleSetProvider RuleSets { get; }
    protected PriceChangeService Service { get; }
    protected ServiceProvider Services { get; }

    protected PriceChangeTestBed()
    {
        Services = new ServiceCollection().AddModules(Database, Clock, b => b.AddPricing()).BuildServiceProvider();
        RuleSets = Services.GetRequiredService<RuleSetProvider>();
        Service = Services.CreateScope().ServiceProvider.GetRequiredService<PriceChangeService>();
    }

    public void Dispose()
    {
        Services.Dispose();
        Database.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static ClaimsPrincipal User(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "test"));

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;
}
