using Bunit;
using MudBlazor;
using TokenConsole.Data;
using TokenConsole.Features.Usage;
using TokenConsole.Tests.Components;

namespace TokenConsole.Tests.Usage;

/// <summary>Each filter of the consumption page hands up the query it stands for.</summary>
public sealed class ConsumptionFiltersTests : ComponentTestContext
{
    private readonly List<HeatmapQuery> _queries = [];
    private IRenderedComponent<MudPopoverProvider> _popovers = default!;

    private IRenderedComponent<ConsumptionFilters> RenderFilters(HeatmapQuery query)
    {
        UseCulture("en");
        _popovers = Render<MudPopoverProvider>();
        return Render<ConsumptionFilters>(p => p
            .Add(f => f.Query, query)
            .Add(f => f.QueryChanged, (HeatmapQuery q) => _queries.Add(q))
            .Add(f => f.Models, [(7, "DeepSeek-V3"), (9, "Qwen-Max")])
            .Add(f => f.Packages, [(21, "SME-BIZ", "SME Business", "中小企业商务版")]));
    }

    private void Choose(IRenderedComponent<ConsumptionFilters> filters, string testId, string text)
    {
        filters.Find($"[data-testid='{testId}']").Click();
        _popovers.FindAll("[role='option']").Single(o => o.TextContent.Trim() == text).Click();
    }

    [Fact]
    public void Metric_segment_model_and_package_each_change_the_query()
    {
        var query = new HeatmapQuery();
        var filters = RenderFilters(query);

        Choose(filters, "metric", "Revenue");
        Choose(filters, "segment", "SME");
        Choose(filters, "model", "Qwen-Max");
        Choose(filters, "package", "SME-BIZ · SME Business");

        Assert.Equal(
            [query with { Metric = HeatmapMetric.Revenue }, query with { Segment = CustomerSegment.Sme }, query with { ModelId = 9 }, query with { PackageId = 21 }],
            _queries);
    }

    [Fact]
    public void A_chosen_filter_shows_its_name_and_clearing_it_drops_it_from_the_query()
    {
        var query = new HeatmapQuery(ModelId: 7);
        var filters = RenderFilters(query);
        Assert.Equal("DeepSeek-V3", filters.Find("[data-testid='model']").TextContent);
        filters.Find("[data-testid='model-clear']").Click();
        Assert.Equal([query with { ModelId = null }], _queries);
    }

    [Fact]
    public void The_custom_period_starts_with_the_last_fourteen_days_and_shows_the_date_range()
    {
        var filters = RenderFilters(new HeatmapQuery());
        Choose(filters, "period", "Custom range");
        var chosen = Assert.Single(_queries);
        Assert.Equal(HeatmapPeriod.Custom, chosen.Period);
        Assert.Equal(13, chosen.To!.Value.DayNumber - chosen.From!.Value.DayNumber);

        filters.Render(p => p.Add(f => f.Query, chosen));
        Assert.NotEmpty(filters.FindAll("[data-testid='custom-range']"));
    }
}
