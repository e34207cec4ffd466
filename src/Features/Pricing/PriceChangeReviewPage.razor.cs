using System.Text.Json;
using Microsoft.AspNetCore.Components;

namespace TokenConsole.Features.Pricing;

public partial class PriceChangeReviewPage
{
    [Parameter] public int Id { get; set; }

    [Inject] private PricingService Pricing { get; set; } = default!;
    [Inject] private PriceChangeService Changes { get; set; } = default!;
    [Inject] private ImpactSimulator Simulator { get; set; } = default!;

    private PriceChange? _change;
    private PricingLookups? _names;
    private SimulationResult? _simulation;
    private bool _missing, _running;
    private double _progress;

    protected override async Task OnParametersSetAsync()
    {
        _names ??= await Pricing.LookupsAsync();
        _change = await Changes.FindAsync(Id);
        _missing = _change is null;
        // Simulated once the circuit is up, not also while prerendering: it reads 90 days of rollups.
        if (_change is not null && RendererInfo.IsInteractive)
        {
            await SimulateAsync();
        }
    }

    /// <summary>
    /// Re-runs the simulation on today's data over the period the proposer simulated: the figures stored at submission
    /// may be weeks old, and an approver decides on what the change would do now.
    /// </summary>
    private async Task SimulateAsync()
    {
        if (_change is null)
        {
            return;
        }
        _running = true;
        _progress = 0;
        StateHasChanged();
        try
        {
            var progress = new Progress<double>(p => { _progress = p; _ = InvokeAsync(StateHasChanged); });
            _simulation = await Simulator.SimulateAsync(PriceChangeService.ContentOf(_change), SimulatedDays(_change), progress);
        }
        finally
        {
            _running = false;
        }
    }

    private static int SimulatedDays(PriceChange change)
    {
        if (change.SimulationJson is not { } json)
        {
            return 30;
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("Days", out var days) && days.TryGetInt32(out var d) ? d : 30;
        }
        catch (JsonException)
        {
            return 30;
        }
    }

    private Task OnDecidedAsync(PriceChange decided)
    {
        // The decision changes the state, not the rules: the simulation shown stays the one decided on.
        _change = decided;
        return Task.CompletedTask;
    }
}
