using AngleSharp.Dom;
using Bunit;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Tests.Components;

namespace TokenConsole.Tests.Catalog;

/// <summary>The designer's live validation (messages next to the fields) and its margin preview and price ladder.</summary>
public sealed class PackageDesignerFormTests : ComponentTestContext
{
    private static readonly IReadOnlyDictionary<int, ModelInfo> Models = new Dictionary<int, ModelInfo>
    {
        // Recent traffic of the cheap model: 80 % input.
        [1] = new(1, "cheap", "Cheap", ModelStatus.OnSale, 1m, 3m, 800, 200),
        [2] = new(2, "premium", "Premium", ModelStatus.OnSale, 10m, 30m, 0, 0),
        [3] = new(3, "old", "Old", ModelStatus.Withdrawn, 1m, 1m, 0, 0),
        [4] = new(4, "beta", "Beta", ModelStatus.Preview, 1m, 1m, 0, 0),
    };

    private static readonly IReadOnlyList<LadderRung> Ladder =
    [
        new(10, "P-SMALL", "Small", "小", 5_000_000, 2m, false),
        new(11, "P-BIG", "Big", "大", 50_000_000, 0.8m, false),
    ];

    public PackageDesignerFormTests() => SignInAs(Roles.ProductManager);

    // A draft opened from the database (it has a package id) shows every field's messages at once; a blank new package
    // shows a field's only once it was touched (PackageFormFeedbackTests).
    private static PackageForm Form() => new()
    {
        PackageId = 99, Code = "P-NEW", NameEn = "New pack", NameZh = "新套餐", Segment = CustomerSegment.Personal, Tags = ["consumer"],
        PriceCny = 40m, IncludedTokens = 20_000_000, OveragePricePerMTok = 3m, ConcurrencyLimit = 5, TokensPerMinuteLimit = 50_000, SlaPercent = 99.5m,
        Entitlements = [new EntitlementRow { ModelId = 1, Multiplier = 1m }],
    };

    private IRenderedComponent<PackageDesignerForm> Render(PackageForm form, Func<string, Task<bool>>? codeTaken = null) =>
        Render<PackageDesignerForm>(p => p.Add(c => c.Form, form).Add(c => c.Models, Models).Add(c => c.Ladder, Ladder)
            .Add(c => c.Threshold, 0.30).Add(c => c.IsCodeTaken, codeTaken ?? (_ => Task.FromResult(false))));

    private static IElement Input(IRenderedComponent<PackageDesignerForm> cut, string testId)
    {
        var element = cut.Find($"[data-testid='{testId}']");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    /// <summary>The message shown under a field: MudBlazor's helper text of the field's input control.</summary>
    private static string? MessageOf(IRenderedComponent<PackageDesignerForm> cut, string testId)
    {
        var control = Input(cut, testId).Closest(".mud-input-control")!;
        return control.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim();
    }

    [Fact]
    public void A_valid_form_shows_no_messages()
    {
        var cut = Render(Form());
        Assert.True(cut.Instance.IsValid);
        Assert.Empty(cut.FindAll(".mud-input-error"));
    }

    [Fact]
    public void An_overage_price_below_the_unit_price_is_flagged_next_to_the_field()
    {
        var cut = Render(Form());

        Input(cut, "field-overage").Input("1.5");

        Assert.Equal("The overage price must not be below the package's unit price (¥2.00 per million tokens).", MessageOf(cut, "field-overage"));
        Assert.False(cut.Instance.IsValid);
        Input(cut, "field-overage").Input("2");
        Assert.Null(MessageOf(cut, "field-overage"));
    }

    [Fact]
    public void Tiers_must_start_at_the_included_tokens_and_be_contiguous_and_increasing()
    {
        var form = Form();
        form.Tiers =
        [
            new TierRow { FromTokens = 20_000_000, ToTokens = 50_000_000, PricePerMTok = 3m },
            new TierRow { FromTokens = 60_000_000, ToTokens = 40_000_000, PricePerMTok = 3.5m },
            new TierRow { FromTokens = 40_000_000, PricePerMTok = 2.5m },
        ];
        var cut = Render(form);

        Assert.Equal("Tiers must be contiguous: this tier must start where the previous one ends.", MessageOf(cut, "tier-1-from"));
        Assert.Equal("A tier must end above where it starts.", MessageOf(cut, "tier-1-to"));
        Assert.Equal("A higher tier must not cost more per token than the one below it.", MessageOf(cut, "tier-1-price"));
        Assert.Null(MessageOf(cut, "tier-0-from"));

        Input(cut, "tier-0-from").Input("10000000");
        cut.WaitForAssertion(() => Assert.Equal("The first tier starts where the included tokens end (20,000,000).", MessageOf(cut, "tier-0-from")));
    }

    [Fact]
    public void At_least_one_entitled_model_must_be_on_sale()
    {
        var form = Form();
        form.Entitlements = [new EntitlementRow { ModelId = 4 }, new EntitlementRow { ModelId = 3 }];
        var cut = Render(form);

        Assert.Equal("Entitle at least one model that is on sale.", cut.Find("[data-testid='entitlements-error']").TextContent.Trim());
        Assert.Equal("This model has been withdrawn and cannot be sold.", cut.Find("[data-testid='entitlement-1']").QuerySelector(".mud-input-helper-text.mud-input-error")!.TextContent.Trim());

        cut.Find("[data-testid='entitlement-1-remove']").Click();
        cut.Find("[data-testid='add-model']").Click();
        Assert.Empty(cut.FindAll("[data-testid='entitlements-error']"));
    }

    [Fact]
    public void A_code_used_by_another_package_or_badly_formed_is_refused()
    {
        var cut = Render(Form(), code => Task.FromResult(code == "P-SMALL"));

        Input(cut, "field-code").Input("P-SMALL");
        cut.WaitForAssertion(() => Assert.Equal("Another package already uses this code.", MessageOf(cut, "field-code")));
        Input(cut, "field-code").Input("bad code");
        // Waited for like the first message: on a loaded machine the field's own validation may render after the input.
        cut.WaitForAssertion(() => Assert.Equal("Use 2–32 capital letters, digits and hyphens, starting with a letter (e.g. ENT-CS).", MessageOf(cut, "field-code")));
        Input(cut, "field-name-en").Input("");
        Assert.Equal("Enter the English name.", MessageOf(cut, "field-name-en"));
    }

    [Fact]
    public void The_margin_preview_uses_the_recent_input_mix_and_warns_below_the_threshold_until_fixed()
    {
        var form = Form();
        form.Entitlements = [new EntitlementRow { ModelId = 1 }, new EntitlementRow { ModelId = 2, Multiplier = 2m }];
        form.OveragePricePerMTok = 10m;
        var cut = Render(form);

        // All recent traffic is on the cheap model (80 % input): 20M × (0.8 × 1 + 0.2 × 3) = ¥28 on a ¥40 price → 30 %.
        Assert.Equal("¥28.00", cut.Find("[data-testid='margin-cost']").TextContent);
        Assert.Equal("¥12.00", cut.Find("[data-testid='margin-value']").TextContent);
        Assert.Equal("30.0%", cut.Find("[data-testid='margin-percent']").TextContent);
        Assert.Empty(cut.FindAll("[data-testid='margin-warning']"));
        Assert.Equal("80", Input(cut.FindComponent<MarginPreviewPanel>(), "margin-input-share").GetAttribute("value"));

        Input(cut, "field-price").Input("35");
        Assert.Equal("20.0%", cut.Find("[data-testid='margin-percent']").TextContent);
        Assert.Contains("below 30.0%", cut.Find("[data-testid='margin-warning']").TextContent, StringComparison.Ordinal);

        // More output (costlier) makes it worse; back to the recent mix, then a higher price fixes it.
        Input(cut.FindComponent<MarginPreviewPanel>(), "margin-input-share").Input("50");
        Assert.Equal("¥40.00", cut.Find("[data-testid='margin-cost']").TextContent);
        cut.Find("[data-testid='margin-reset-mix']").Click();
        Assert.Equal("¥28.00", cut.Find("[data-testid='margin-cost']").TextContent);
        Input(cut, "field-price").Input("48");
        Assert.Empty(cut.FindAll("[data-testid='margin-warning']"));
    }

    [Fact]
    public void Without_recent_usage_models_share_equally_and_a_premium_multiplier_lowers_the_cost_per_package_token()
    {
        var form = Form();
        form.Entitlements = [new EntitlementRow { ModelId = 2, Multiplier = 2m }];
        form.PriceCny = 400m;
        form.OveragePricePerMTok = 20m;
        var preview = MarginCalculator.Compute(form, Models, MarginCalculator.RecentInputShare(form.Entitlements, Models), 0.3);
        // No usage: 75 % input → 0.75 × 10 + 0.25 × 30 = ¥15 per M served, ¥7.50 per M package tokens at ×2.
        Assert.Equal((7.5m, 150m, 0.625), (preview.CostPerMTok, preview.ComputeCost, Math.Round(preview.MarginRatio!.Value, 3)));
    }

    [Fact]
    public void The_price_ladder_says_when_a_bigger_package_would_cost_more_per_token()
    {
        var form = Form();
        form.PriceCny = 60m;
        form.OveragePricePerMTok = 5m;
        var cut = Render(form);

        // 20M tokens at ¥3/M: bigger than P-SMALL (¥2/M) yet dearer per token.
        Assert.Equal("Bigger than P-SMALL but costs more per token.", cut.Find("[data-testid='ladder-warning']").TextContent.Trim());
        Input(cut, "field-price").Input("30");
        Assert.Empty(cut.FindAll("[data-testid='ladder-warning']"));
        Input(cut, "field-price").Input("10");
        Assert.Equal("Smaller than P-BIG but cheaper per token: the bigger package would cost more per token.", cut.Find("[data-testid='ladder-warning']").TextContent.Trim());
    }

    [Fact]
    public void In_Chinese_the_messages_and_the_preview_are_Chinese()
    {
        UseCulture("zh-CN");
        var form = Form();
        form.PriceCny = 30m;
        form.OveragePricePerMTok = 1m;
        var cut = Render(form);

        Assert.Equal("超额单价不得低于套餐单价（每百万 Token ¥1.50）。", MessageOf(cut, "field-overage"));
        Assert.Contains("毛利预览", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("毛利率低于 30.0%", cut.Find("[data-testid='margin-warning']").TextContent, StringComparison.Ordinal);
    }

    private static IElement Input(IRenderedComponent<MarginPreviewPanel> cut, string testId)
    {
        var element = cut.Find($"[data-testid='{testId}']");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }
}
