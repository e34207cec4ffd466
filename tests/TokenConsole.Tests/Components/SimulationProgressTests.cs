using Bunit;
using TokenConsole.Features.Pricing;

namespace TokenConsole.Tests.Components;

/// <summary>The progress the price-change wizard and review pages show while the impact simulation runs.</summary>
public sealed class SimulationProgressTests : ComponentTestContext
{
    [Fact]
    public void It_shows_how_far_the_simulation_has_got()
    {
        UseCulture("en");
        var progress = Render<SimulationProgress>(p => p.Add(c => c.Value, 0.42));
        Assert.Equal("42%", progress.Find("[data-testid='simulation-progress-percent']").TextContent);
        Assert.Equal("42", progress.Find("[role='progressbar']").GetAttribute("aria-valuenow"));

        // The pages re-render it with each value the simulator reports.
        progress.Render(p => p.Add(c => c.Value, 0.9));
        Assert.Equal("90%", progress.Find("[data-testid='simulation-progress-percent']").TextContent);
        Assert.Equal("90", progress.Find("[role='progressbar']").GetAttribute("aria-valuenow"));
    }
}
