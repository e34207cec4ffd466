using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Auth;
using TokenConsole.Components;
using TokenConsole.Tests.Components;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Usage;

/// <summary>
/// A circuit's memory is mostly its components (two render-tree buffers each, held while the page is open: README,
/// "Measured", circuit figure), so the number of live components of the consumption page, with the console's layout
/// and navigation around it, is the circuit memory target's early warning. The page is rendered through the real
/// router, layout and services over the seeded test database.
/// </summary>
public sealed class ConsumptionComponentCountTests : ComponentTestContext, IClassFixture<ConsoleFactory>
{
    private readonly IServiceScope _scope;

    private string Breakdown { get; set; } = "";

    public ConsumptionComponentCountTests(ConsoleFactory factory)
    {
        _scope = factory.Services.CreateScope();
        Services.AddFallbackServiceProvider(_scope.ServiceProvider);
        SignInAs(Roles.Operations);
        UseCulture("en");
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        _scope.Dispose();
    }

    /// <summary>The components alive under the router (itself included) once the page at the path has its data.</summary>
    private int LiveComponents(string path, string loaded)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(path);
        var app = Render<Routes>();
        app.WaitForAssertion(() => Assert.NotEmpty(app.FindAll(loaded)), TimeSpan.FromSeconds(20));
        Breakdown = string.Join(", ", app.FindComponents<IComponent>().GroupBy(c => c.Instance.GetType().Name).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));
        return app.FindComponents<IComponent>().Count + 1;
    }

    // Today (MudBlazor 9.12): 130 on the heatmap page and 75 around the not-found page, counted from the router down
    // (the circuit adds App, HeadOutlet and a few more: 139 in the README's gcdump). The bounds leave a little room.
    private const int HeatmapPageBound = 140;
    private const int EmptyPageBound = 82;

    private const string WhereToLook =
        "A circuit holds each of its components for as long as the page is open (README, 'Measured': the circuit figure, " +
        "≤ 1 MiB per heatmap circuit). Look at what was added to the page, the layout or the navigation: a MudSelect in the " +
        "filters instead of FilterSelect keeps ~20 components each, MudNavMenu/MudNavLink/AuthorizeView per link ~70 in every " +
        "circuit. Re-measure with `dotnet run -c Release --project tests/TokenConsole.Benchmarks -- circuits --circuits 200` " +
        "before raising the bound. Components now: ";

    [Fact]
    public void The_consumption_page_with_its_data_stays_under_its_component_bound()
    {
        var count = LiveComponents("/consumption", "[data-testid='total-tokens-value']");

        Assert.True(count <= HeatmapPageBound, $"The consumption page holds {count} components (bound {HeatmapPageBound}). {WhereToLook}{Breakdown}");
        // The five filters are one component each while closed: no popover, no option components.
        Assert.Contains("FilterSelect`1 5", Breakdown, StringComparison.Ordinal);
        Assert.DoesNotContain("MudSelect", Breakdown, StringComparison.Ordinal);
    }

    [Fact]
    public void The_layout_and_navigation_around_an_empty_page_stay_under_their_component_bound()
    {
        var count = LiveComponents("/no-such-page", "[data-testid='nav-consumption']");

        Assert.True(count <= EmptyPageBound, $"The layout around an empty page holds {count} components (bound {EmptyPageBound}). {WhereToLook}{Breakdown}");
        Assert.DoesNotContain("MudNavLink", Breakdown, StringComparison.Ordinal);
    }
}
