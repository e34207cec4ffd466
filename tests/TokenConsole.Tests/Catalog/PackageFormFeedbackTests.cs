using AngleSharp.Dom;
using Bunit;
using TokenConsole.Auth;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Tests.Components;

namespace TokenConsole.Tests.Catalog;

/// <summary>
/// What the designer says while a person fills it in (issue 12, item 18): a blank package is not all red before anything
/// is typed, an impossible input share is an error next to its field, and tier bounds read as 万/亿 or K/M/B.
/// </summary>
public sealed class PackageFormFeedbackTests : ComponentTestContext
{
    private static readonly IReadOnlyDictionary<int, ModelInfo> Models = new Dictionary<int, ModelInfo>
    {
        [1] = new(1, "cheap", "Cheap", ModelStatus.OnSale, 1m, 3m, 800, 200),
    };

    public PackageFormFeedbackTests() => SignInAs(Roles.ProductManager);

    private IRenderedComponent<PackageDesignerForm> Render(PackageForm form) =>
        Render<PackageDesignerForm>(p => p.Add(c => c.Form, form).Add(c => c.Models, Models).Add(c => c.Threshold, 0.30)
            .Add(c => c.IsCodeTaken, _ => Task.FromResult(false)));

    private static IElement Input(IRenderedComponent<PackageDesignerForm> cut, string testId)
    {
        var element = cut.Find($"[data-testid='{testId}']");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    private static IElement Control(IRenderedComponent<PackageDesignerForm> cut, string testId) => Input(cut, testId).Closest(".mud-input-control")!;

    private static string? ErrorOf(IRenderedComponent<PackageDesignerForm> cut, string testId) =>
        Control(cut, testId).QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim();

    private static string? HelperOf(IRenderedComponent<PackageDesignerForm> cut, string testId) =>
        Control(cut, testId).QuerySelector(".mud-input-helper-text")?.TextContent.Trim();

    [Fact]
    public void A_blank_new_package_shows_a_fields_message_once_it_is_touched_and_every_message_on_submit()
    {
        var cut = Render(new PackageForm());

        Assert.Empty(cut.FindAll(".mud-input-error"));
        Assert.Empty(cut.FindAll("[data-testid='entitlements-error']"));
        Assert.False(cut.Instance.IsValid);

        Input(cut, "field-code").Input("bad code");
        Assert.Equal("Use 2–32 capital letters, digits and hyphens, starting with a letter (e.g. ENT-CS).", ErrorOf(cut, "field-code"));
        Assert.Null(ErrorOf(cut, "field-name-en"));

        cut.InvokeAsync(cut.Instance.RevealAll);
        Assert.Equal("Enter the English name.", ErrorOf(cut, "field-name-en"));
        Assert.NotEmpty(cut.FindAll("[data-testid='entitlements-error']"));
    }

    [Fact]
    public void An_input_share_beyond_100_percent_is_an_error_next_to_the_field_and_changes_nothing()
    {
        var form = new PackageForm
        {
            Code = "P-NEW", NameEn = "New", NameZh = "新", Tags = ["consumer"], PriceCny = 40m, IncludedTokens = 20_000_000, OveragePricePerMTok = 3m,
            Entitlements = [new EntitlementRow { ModelId = 1 }],
        };
        var cut = Render(form);
        var panel = cut.FindComponent<MarginPreviewPanel>();
        var cost = cut.Find("[data-testid='margin-cost']").TextContent;
        IElement Share() => panel.Find("input[data-testid='margin-input-share']");

        Share().Input("150");

        Assert.Equal("Enter a share from 0 to 100 %.", Share().Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim());
        Assert.Equal(cost, cut.Find("[data-testid='margin-cost']").TextContent);

        Share().Input("50");
        Assert.Null(Share().Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text.mud-input-error"));
        Assert.NotEqual(cost, cut.Find("[data-testid='margin-cost']").TextContent);
    }

    [Theory]
    [InlineData("en-US", "= 500M", "= 1.2B")]
    [InlineData("zh-CN", "= 5亿", "= 12亿")]
    public void Tier_bounds_show_their_size_in_the_readers_units_as_they_are_typed(string culture, string from, string to)
    {
        UseCulture(culture);
        var form = new PackageForm
        {
            Code = "P-NEW", IncludedTokens = 500_000_000, OveragePricePerMTok = 3m,
            Tiers = [new TierRow { FromTokens = 500_000_000, ToTokens = 900_000_000, PricePerMTok = 3m }, new TierRow { FromTokens = 900_000_000, PricePerMTok = 2m }],
        };
        var cut = Render(form);

        Assert.Equal(from, HelperOf(cut, "tier-0-from"));
        Input(cut, "tier-0-to").Input("1200000000");
        Assert.Equal(to, HelperOf(cut, "tier-0-to"));
    }
}
