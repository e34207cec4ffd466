using AngleSharp.Dom;
using Bunit;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Tests.Components;

namespace TokenConsole.Tests.Catalog;

/// <summary>The designer's kind, rollover and "when exhausted" fields: shown for what the package is, checked beside the field.</summary>
public sealed class PackageDesignerKindTests : ComponentTestContext
{
    private static readonly IReadOnlyDictionary<int, ModelInfo> Models = new Dictionary<int, ModelInfo>
    {
        [1] = new(1, "cheap", "Cheap", ModelStatus.OnSale, 1m, 3m, 800, 200),
    };

    public PackageDesignerKindTests() => SignInAs(Roles.ProductManager);

    private static PackageForm Form(PackageKind kind = PackageKind.Base, int? packageId = 99) => new()
    {
        PackageId = packageId, Code = "P-NEW", NameEn = "New pack", NameZh = "新套餐", Segment = CustomerSegment.Personal, Tags = ["consumer"], Kind = kind,
        BillingPeriod = kind == PackageKind.TopUp ? BillingPeriod.OneOff : BillingPeriod.Monthly,
        PriceCny = 40m, IncludedTokens = 20_000_000, OveragePricePerMTok = kind == PackageKind.TopUp ? 0 : 3m, ConcurrencyLimit = 5, TokensPerMinuteLimit = 50_000,
        SlaPercent = 99.5m, Entitlements = [new EntitlementRow { ModelId = 1, Multiplier = 1m }],
    };

    private IRenderedComponent<PackageDesignerForm> Render(PackageForm form) =>
        Render<PackageDesignerForm>(p => p.Add(c => c.Form, form).Add(c => c.Models, Models).Add(c => c.Threshold, 0.30)
            .Add(c => c.IsCodeTaken, _ => Task.FromResult(false)));

    private static IElement Input(IRenderedComponent<PackageDesignerForm> cut, string testId)
    {
        var element = cut.Find($"[data-testid='{testId}']");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    // A select's test id sits on its combobox (a div); a text field's input is inside the element that carries it.
    private static string? MessageOf(IRenderedComponent<PackageDesignerForm> cut, string testId) =>
        cut.Find($"[data-testid='{testId}']").Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim();

    private static bool SelectReadOnly(IRenderedComponent<PackageDesignerForm> cut, string testId) =>
        cut.Find($"[data-testid='{testId}']").ClassList.Contains("mud-readonly");

    [Fact]
    public void A_rollover_above_100_percent_is_flagged_next_to_the_field_and_cleared_when_corrected()
    {
        var cut = Render(Form());

        Input(cut, "field-rollover").Input("120");

        Assert.Equal("Rollover is a percentage from 0 (none) to 100.", MessageOf(cut, "field-rollover"));
        Assert.False(cut.Instance.IsValid);
        Input(cut, "field-rollover").Input("30");
        Assert.Null(MessageOf(cut, "field-rollover"));
        Assert.True(cut.Instance.IsValid);
    }

    [Fact]
    public void A_pay_as_you_go_package_needs_its_overage_price_next_to_the_field()
    {
        var cut = Render(Form());

        Input(cut, "field-overage").Input("0");

        Assert.Equal("Enter an overage price above zero.", MessageOf(cut, "field-overage"));
        Assert.Null(Input(cut, "field-overage").GetAttribute("readonly"));
        Assert.NotEmpty(cut.FindAll("[data-testid='add-tier']"));
    }

    [Fact]
    public void A_stop_at_the_limit_package_has_no_overage_price_to_enter_and_no_tiers()
    {
        var form = Form();
        form.WhenExhausted = ExhaustionPolicy.StopAtLimit;
        form.OveragePricePerMTok = 0;
        var cut = Render(form);

        Assert.True(cut.Instance.IsValid);
        Assert.NotNull(Input(cut, "field-overage").GetAttribute("readonly"));
        Assert.Empty(cut.FindAll("[data-testid='add-tier']"));
        Assert.Contains("recorded as leakage", cut.Find("[data-testid='section-pricing']").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_top_up_pack_shows_how_it_is_drawn_instead_of_rollover_and_exhaustion()
    {
        var cut = Render(Form(PackageKind.TopUp));

        Assert.True(cut.Instance.IsValid);
        Assert.Empty(cut.FindAll("[data-testid='field-rollover']"));
        Assert.Empty(cut.FindAll("[data-testid='field-when-exhausted']"));
        Assert.Contains("earliest expiry first", cut.Find("[data-testid='topup-explainer']").TextContent, StringComparison.Ordinal);
        Assert.Equal("Top-up pack", cut.Find("[data-testid='field-kind']").TextContent.Trim());
    }

    [Fact]
    public void A_top_up_pack_billed_monthly_is_flagged_next_to_the_billing_period()
    {
        var form = Form(PackageKind.TopUp);
        form.BillingPeriod = BillingPeriod.Monthly;
        var cut = Render(form);

        Assert.Equal("A top-up pack is sold once: choose the one-off billing period.", MessageOf(cut, "field-billing"));
    }

    [Fact]
    public void The_kind_is_chosen_for_a_new_package_and_fixed_for_an_existing_one()
    {
        var existing = Render(Form(packageId: 99));
        Assert.True(SelectReadOnly(existing, "field-kind"));
        Assert.Contains("Fixed when the package was created.", existing.Find("[data-testid='section-basics']").TextContent, StringComparison.Ordinal);

        var fresh = Render(Form(packageId: null));
        Assert.False(SelectReadOnly(fresh, "field-kind"));
    }

    [Fact]
    public void In_Chinese_a_top_up_pack_is_a_加油包()
    {
        UseCulture("zh-CN");
        var cut = Render(Form(PackageKind.TopUp));
        Assert.Contains("加油包", cut.Find("[data-testid='section-basics']").InnerHtml, StringComparison.Ordinal);
    }
}
