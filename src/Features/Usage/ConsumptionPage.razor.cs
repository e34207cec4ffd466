using Microsoft.AspNetCore.Components;
using MudBlazor;
using TokenConsole.Data;

namespace TokenConsole.Features.Usage;

public sealed partial class ConsumptionPage
{
    /// <summary>Live updates are throttled: at most one refresh per period, however many events arrive.</summary>
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(2);

    private HeatmapQuery _query = new();
    private Heatmap? _heatmap;
    private IReadOnlyList<Region>? _regions;
    private IReadOnlyList<Industry>? _industries;
    private IReadOnlyList<Region> _chartRegions = [];
    private IReadOnlyList<(int Id, string Name)> _models = [];
    private IReadOnlyList<(int Id, string Code, string NameEn, string NameZh)> _packages = [];
    private object? _chart;
    private string? _error;
    private DateTimeOffset? _updatedAt;
    private long _seenVersion;
    private ITimer? _timer;
    private int _refreshing;

    protected override async Task OnInitializedAsync()
    {
        (_regions, _industries) = await Usage.ReferenceAsync();
        (_models, _packages) = await Usage.FilterChoicesAsync();
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            _timer = Clock.CreateTimer(_ => _ = RefreshIfChangedAsync(), null, RefreshPeriod, RefreshPeriod);
        }
    }

    private async Task OnQueryChangedAsync(HeatmapQuery query)
    {
        _query = query;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        try
        {
            _seenVersion = Notifier.Version;
            _heatmap = await Heatmaps.GetAsync(_query);
            _error = null;
        }
        catch (ArgumentException)
        {
            _error = L["Choose a start date on or before the end date, at most a year apart."];
            return;
        }
        _chartRegions = HeatmapChartOptions.SeriesOrder(_heatmap, _regions!);
        _chart = HeatmapChartOptions.Build(_heatmap, _chartRegions, _industries!, _query.Metric, L["No usage"]);
        _updatedAt = Clock.GetUtcNow();
    }

    private async Task RefreshIfChangedAsync()
    {
        if (Notifier.Version == _seenVersion || Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return;
        }
        try
        {
            await InvokeAsync(async () =>
            {
                await LoadAsync();
                StateHasChanged();
            });
        }
        finally
        {
            Interlocked.Exchange(ref _refreshing, 0);
        }
    }

    private async Task OpenCellAsync((int Series, int Point) cell)
    {
        if (_heatmap is null || cell.Series < 0 || cell.Point < 0 || cell.Series >= _chartRegions.Count || cell.Point >= _industries!.Count)
        {
            return;
        }
        var region = _chartRegions[cell.Series];
        var industry = _industries[cell.Point];
        var parameters = new DialogParameters<CellDrillDownDialog>
        {
            { d => d.Region, region },
            { d => d.Industry, industry },
            { d => d.Query, _query },
        };
        var chinese = Localization.Display.IsChinese();
        await Dialogs.ShowAsync<CellDrillDownDialog>($"{region.Name(chinese)} × {industry.Name(chinese)}", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true, CloseButton = true });
    }

    public void Dispose() => _timer?.Dispose();
}
