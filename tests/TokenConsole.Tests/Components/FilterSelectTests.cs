using Bunit;
using MudBlazor;
using TokenConsole.Components.Shared;

namespace TokenConsole.Tests.Components;

/// <summary>The light drop-down of the filters: a select's behaviour, with its options present only while it is open.</summary>
public sealed class FilterSelectTests : ComponentTestContext
{
    private static readonly (int?, string)[] Fruits = [(1, "Apple"), (2, "Banana"), (3, "Cherry")];
    private readonly List<int?> _chosen = [];
    private IRenderedComponent<MudPopoverProvider>? _popovers;

    private (IRenderedComponent<MudPopoverProvider> Popovers, IRenderedComponent<FilterSelect<int?>> Select) RenderSelect(int? value, bool clearable = false)
    {
        var popovers = _popovers ??= Render<MudPopoverProvider>();
        var select = Render<FilterSelect<int?>>(p => p
            .Add(s => s.Label, "Fruit").Add(s => s.Value, value).Add(s => s.Items, Fruits).Add(s => s.Clearable, clearable).Add(s => s.TestId, "fruit")
            .Add(s => s.ValueChanged, (int? v) => _chosen.Add(v)));
        return (popovers, select);
    }

    [Fact]
    public void Closed_it_shows_the_chosen_text_and_keeps_no_options()
    {
        var (popovers, select) = RenderSelect(2);
        Assert.Equal("Banana", select.Find("[data-testid='fruit']").TextContent);
        Assert.Equal("false", select.Find("[data-testid='fruit']").GetAttribute("aria-expanded"));
        Assert.Empty(popovers.FindAll("[role='option']"));
        Assert.Contains("tc-shrink", select.Find(".tc-input").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_value_the_label_stands_in_the_field()
    {
        var (_, select) = RenderSelect(null);
        Assert.DoesNotContain("tc-shrink", select.Find(".tc-input").ClassName, StringComparison.Ordinal);
        Assert.Equal("text", select.Find("[data-testid='fruit']").GetAttribute("type"));
    }

    [Fact]
    public void A_click_opens_the_options_and_choosing_one_hands_up_its_value_and_closes_the_list()
    {
        var (popovers, select) = RenderSelect(2);
        select.Find(".tc-input-control").Click();
        var options = popovers.FindAll("[role='option']");
        Assert.Equal(["Apple", "Banana", "Cherry"], options.Select(o => o.TextContent.Trim()));
        Assert.Equal("true", options[1].GetAttribute("aria-selected"));
        Assert.Contains("tc-selected-item", options[1].ClassName, StringComparison.Ordinal);

        popovers.FindAll("[role='option']")[2].Click();
        Assert.Equal([3], _chosen);
        Assert.Empty(popovers.FindAll("[role='option']"));
        Assert.Equal("false", select.Find("[data-testid='fruit']").GetAttribute("aria-expanded"));
    }

    [Fact]
    public void Choosing_the_value_it_already_has_changes_nothing()
    {
        var (popovers, select) = RenderSelect(2);
        select.Find(".tc-input-control").Click();
        popovers.FindAll("[role='option']")[1].Click();
        Assert.Empty(_chosen);
    }

    [Fact]
    public void The_keys_open_the_list_move_through_it_and_choose()
    {
        var (popovers, select) = RenderSelect(1);
        select.Find("[data-testid='fruit']").KeyDown("ArrowDown");
        Assert.Equal(3, popovers.FindAll("[role='option']").Count);
        select.Find("[data-testid='fruit']").KeyDown("ArrowDown");
        select.Find("[data-testid='fruit']").KeyDown("ArrowDown");
        var active = select.Find("[data-testid='fruit']").GetAttribute("aria-activedescendant");
        Assert.Equal("Cherry", popovers.Find($"#{active}").TextContent.Trim());
        select.Find("[data-testid='fruit']").KeyDown("Enter");
        Assert.Equal([3], _chosen);
    }

    [Fact]
    public void Without_a_value_no_option_is_active_until_a_key_moves()
    {
        var (popovers, select) = RenderSelect(null);
        select.Find(".tc-input-control").Click();
        Assert.Null(select.Find("[data-testid='fruit']").GetAttribute("aria-activedescendant"));
        Assert.Empty(popovers.FindAll(".tc-option-active"));
        select.Find("[data-testid='fruit']").KeyDown("ArrowDown");
        Assert.Equal("Apple", popovers.Find(".tc-option-active").TextContent.Trim());
    }

    [Fact]
    public void Escape_closes_the_list_without_choosing()
    {
        var (popovers, select) = RenderSelect(1);
        select.Find("[data-testid='fruit']").KeyDown("Enter");
        Assert.NotEmpty(popovers.FindAll("[role='option']"));
        select.Find("[data-testid='fruit']").KeyDown("Escape");
        Assert.Empty(popovers.FindAll("[role='option']"));
        Assert.Empty(_chosen);
    }

    [Fact]
    public void A_clearable_select_with_a_value_offers_to_clear_it()
    {
        var (_, select) = RenderSelect(3, clearable: true);
        select.Find("[data-testid='fruit-clear']").Click();
        Assert.Equal([null], _chosen);

        var (_, empty) = RenderSelect(null, clearable: true);
        Assert.Empty(empty.FindAll("[data-testid='fruit-clear']"));
    }
}
