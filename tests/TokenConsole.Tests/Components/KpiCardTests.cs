using Bunit;
using TokenConsole.Components.Shared;

namespace TokenConsole.Tests.Components;

public sealed class KpiCardTests : ComponentTestContext
{
    [Fact]
    public void A_rise_is_shown_in_green_with_its_sign()
    {
        UseCulture("en");
        var card = Render<KpiCard>(p => p.Add(c => c.Label, "Tokens").Add(c => c.Value, "1.2B").Add(c => c.Change, 0.125m).Add(c => c.TestId, "kpi"));
        Assert.Equal("1.2B", card.Find("[data-testid='kpi-value']").TextContent);
        var change = card.Find(".mud-success-text");
        Assert.Equal("+12.5%", change.TextContent);
    }

    [Fact]
    public void A_fall_is_shown_in_red()
    {
        UseCulture("en");
        var card = Render<KpiCard>(p => p.Add(c => c.Label, "Revenue").Add(c => c.Value, "¥1M").Add(c => c.Change, -0.2m));
        Assert.Equal("−20.0%", card.Find(".mud-error-text").TextContent);
        Assert.Empty(card.FindAll(".mud-success-text"));
    }

    [Fact]
    public void Without_a_comparison_no_change_is_shown_and_a_link_leads_to_the_details()
    {
        UseCulture("en");
        var card = Render<KpiCard>(p => p.Add(c => c.Label, "Customers").Add(c => c.Value, "2,000").Add(c => c.Href, "/packages"));
        Assert.Empty(card.FindAll(".mud-success-text, .mud-error-text"));
        Assert.Equal("/packages", card.Find("a").GetAttribute("href"));
    }
}
