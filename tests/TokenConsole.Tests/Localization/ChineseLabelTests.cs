using Bunit;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Usage;
using TokenConsole.Tests.Components;

namespace TokenConsole.Tests.Localization;

/// <summary>What a Chinese reader sees on the consumption KPIs and in the capacity alerts.</summary>
public sealed class ChineseLabelTests : ComponentTestContext
{
    [Fact]
    public void The_consumption_token_KPI_is_labelled_in_Chinese()
    {
        UseCulture("zh-CN");
        var cells = new Dictionary<(string Region, string Industry), UsageTotals> { [("CN-GD", "finance")] = new(120_000_000, 10, 0, 0) };
        var totals = Render<ConsumptionTotals>(p => p.Add(t => t.Heatmap, new Heatmap(DateTime.UnixEpoch, DateTime.UnixEpoch, cells, cells)));
        Assert.Equal("Token 用量", totals.Find("[data-testid='total-tokens'] .tc-kpi-label").TextContent.Trim());
    }

    [Fact]
    public void A_capacity_alert_and_its_advice_read_as_one_Chinese_text_without_a_space_between_sentences()
    {
        UseCulture("zh-CN");
        var list = Render<ComputeAlertList>(p => p.Add(l => l.Alerts,
            [new ComputeAlert(ComputeAlertKind.PoolOverloaded, "Busy", "繁忙池", 0.95, 0.8)]));
        var text = list.Find("[data-testid='capacity-alert'] .mud-alert-message").TextContent.Trim();
        Assert.Equal("繁忙池在过去 24 小时内峰值达到容量的 95.0%。请将部署迁移到较空闲的算力池，或增加加速卡。", text);
    }
}
