using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;

namespace TokenConsole.Tests.Catalog;

/// <summary>
/// A package's kind (base / top-up pack), a version's rollover and what happens when its buckets run out: the rules
/// (refused next to the field), and what the lifecycle keeps (saved, fixed, cloned, carried into a new version, audited).
/// </summary>
public sealed class PackageKindTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly IReadOnlyDictionary<int, ModelInfo> Models = new Dictionary<int, ModelInfo>
    {
        [1] = new(1, "cheap", "Cheap", ModelStatus.OnSale, 1m, 3m, 0, 0),
    };

    private readonly CatalogTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    /// <summary>A valid top-up pack: 100M tokens for ¥450, valid 30 days, once.</summary>
    private static PackageForm TopUp(string code = "TOPUP-NEW")
    {
        var form = CatalogTestBed.NewForm(code);
        form.Kind = PackageKind.TopUp;
        form.BillingPeriod = BillingPeriod.OneOff;
        form.ValidityDays = 30;
        form.PriceCny = 450m;
        form.IncludedTokens = 100_000_000;
        form.OveragePricePerMTok = 0;
        return form;
    }

    private static List<string> Messages(PackageForm form, string field) =>
        PackageValidator.Validate(form, Models, codeTaken: false).GetValueOrDefault(field)?.Select(m => m.Key).ToList() ?? [];

    [Fact]
    public void A_valid_top_up_pack_needs_no_overage_price()
    {
        Assert.True(PackageValidator.Validate(TopUp(), Models, false).IsValid);
    }

    [Fact]
    public void A_top_up_pack_must_be_one_off_without_rollover_with_tokens_a_price_a_validity_and_models()
    {
        var monthly = TopUp();
        monthly.BillingPeriod = BillingPeriod.Monthly;
        Assert.Equal(["A top-up pack is sold once: choose the one-off billing period."], Messages(monthly, "BillingPeriod"));

        var rolling = TopUp();
        rolling.RolloverPercent = 20;
        Assert.Equal(["A top-up pack does not roll over: its tokens are valid for its validity only."], Messages(rolling, "RolloverPercent"));

        var empty = TopUp();
        empty.IncludedTokens = 0;
        empty.PriceCny = 0;
        empty.ValidityDays = 367;
        empty.Entitlements = [];
        Assert.Equal(["Enter the number of included tokens."], Messages(empty, "IncludedTokens"));
        Assert.Equal(["Enter a price above zero."], Messages(empty, "PriceCny"));
        Assert.Equal(["Validity must be between 1 and {0} days for this billing period."], Messages(empty, "ValidityDays"));
        Assert.Equal(["Entitle at least one model that is on sale."], Messages(empty, "Entitlements"));

        var tiered = TopUp();
        tiered.Tiers = [new TierRow { FromTokens = 100_000_000, PricePerMTok = 5m }];
        Assert.Equal(["Tiers price the overage: a package that stops at its limit, or a top-up pack, has none."], Messages(tiered, "Tiers"));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void Rollover_outside_0_to_100_percent_is_refused(int percent)
    {
        var form = CatalogTestBed.NewForm();
        form.RolloverPercent = percent;
        Assert.Equal(["Rollover is a percentage from 0 (none) to 100."], Messages(form, "RolloverPercent"));
        form.RolloverPercent = 100;
        Assert.Empty(Messages(form, "RolloverPercent"));
    }

    [Fact]
    public void A_one_off_base_package_has_nothing_to_roll_over_into()
    {
        var form = CatalogTestBed.NewForm();
        form.BillingPeriod = BillingPeriod.OneOff;
        form.RolloverPercent = 30;
        Assert.Equal(["A one-off package has a single period: there is nothing to roll over into."], Messages(form, "RolloverPercent"));
    }

    [Fact]
    public void Pay_as_you_go_needs_an_overage_price_and_stop_at_the_limit_does_not()
    {
        var payg = CatalogTestBed.NewForm();
        payg.OveragePricePerMTok = 0;
        Assert.Equal(["Enter an overage price above zero."], Messages(payg, "OveragePricePerMTok"));

        var stop = CatalogTestBed.NewForm();
        stop.WhenExhausted = ExhaustionPolicy.StopAtLimit;
        stop.OveragePricePerMTok = 0;
        Assert.True(PackageValidator.Validate(stop, Models, false).IsValid);
        stop.Tiers = [new TierRow { FromTokens = stop.IncludedTokens, PricePerMTok = 2m }];
        Assert.Equal(["Tiers price the overage: a package that stops at its limit, or a top-up pack, has none."], Messages(stop, "Tiers"));
    }

    [Fact]
    public async Task The_kind_is_saved_at_creation_and_fixed_afterwards()
    {
        var saved = await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, TopUp(), Ct);
        Assert.True(saved.Succeeded, saved.Refusal?.Code);

        var (form, _) = (await _bed.Catalog.EditorAsync(saved.Value!.PackageId, Ct))!.Value;
        Assert.Equal(PackageKind.TopUp, form.Kind);
        form.Kind = PackageKind.Base;
        form.NameEn = "Renamed";
        var again = await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, form, Ct);

        Assert.True(again.Succeeded, again.Refusal?.Code);
        await using var db = _bed.Database.CreateDbContext();
        var package = await db.Packages.Include(p => p.Versions).SingleAsync(p => p.Code == "TOPUP-NEW", Ct);
        Assert.Equal(PackageKind.TopUp, package.Kind);
        Assert.Equal("Renamed", package.Versions.Single().NameEn);
    }

    [Fact]
    public async Task A_top_up_refused_server_side_names_the_field()
    {
        var form = TopUp();
        form.BillingPeriod = BillingPeriod.Annual;
        form.ValidityDays = 365;

        var saved = await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, form, Ct);

        Assert.False(saved.Succeeded);
        Assert.Contains("BillingPeriod", saved.Refusal!.Fields!.Keys);
    }

    [Fact]
    public async Task Rollover_and_exhaustion_are_saved_audited_cloned_and_carried_into_a_new_version()
    {
        var form = CatalogTestBed.NewForm("P-ROLL");
        form.RolloverPercent = 40;
        form.WhenExhausted = ExhaustionPolicy.StopAtLimit;
        form.OveragePricePerMTok = 0;
        var saved = await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, form, Ct);
        Assert.True(saved.Succeeded, saved.Refusal?.Code);

        await using (var db = _bed.Database.CreateDbContext())
        {
            var version = await db.PackageVersions.SingleAsync(v => v.Id == saved.Value!.VersionId, Ct);
            Assert.Equal((40, ExhaustionPolicy.StopAtLimit), (version.RolloverPercent, version.WhenExhausted));
            var audit = await db.AuditEntries.OrderBy(a => a.Id).LastAsync(a => a.EntityType == "Package", Ct);
            Assert.Contains("\"RolloverPercent\":40", audit.AfterJson, StringComparison.Ordinal);
            Assert.Contains("\"WhenExhausted\"", audit.AfterJson, StringComparison.Ordinal);
            Assert.Contains("\"Kind\"", audit.AfterJson, StringComparison.Ordinal);
        }

        var clone = await _bed.Lifecycle.CloneAsync(CatalogTestBed.Pm, saved.Value!.PackageId, Ct);
        Assert.True(clone.Succeeded, clone.Refusal?.Code);
        var cloned = (await _bed.Catalog.EditorAsync(clone.Value!.PackageId, Ct))!.Value.Form;
        Assert.Equal((40, ExhaustionPolicy.StopAtLimit, PackageKind.Base), (cloned.RolloverPercent, cloned.WhenExhausted, cloned.Kind));

        // A package on sale opens as a new draft based on the active version: the new fields come along.
        await using (var db = _bed.Database.CreateDbContext())
        {
            var small = await db.Packages.Include(p => p.Versions).SingleAsync(p => p.Code == "P-SMALL", Ct);
            small.Versions[0].RolloverPercent = 25;
            small.Versions[0].WhenExhausted = ExhaustionPolicy.StopAtLimit;
            await db.SaveChangesAsync(Ct);
        }
        var smallId = await PackageIdAsync("P-SMALL");
        var next = (await _bed.Catalog.EditorAsync(smallId, Ct))!.Value.Form;
        Assert.Null(next.VersionId);
        Assert.Equal((25, ExhaustionPolicy.StopAtLimit), (next.RolloverPercent, next.WhenExhausted));
    }

    [Fact]
    public async Task Version_terms_carry_kind_rollover_and_exhaustion_for_the_comparison()
    {
        var saved = await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, TopUp(), Ct);
        var (a, b) = (await _bed.Catalog.CompareAsync(saved.Value!.PackageId, saved.Value.VersionId, saved.Value.VersionId, Ct))!.Value;
        Assert.Equal(PackageKind.TopUp, a.Kind);
        Assert.Equal((0, ExhaustionPolicy.PayAsYouGo), (b.RolloverPercent, b.WhenExhausted));
    }

    [Fact]
    public async Task The_packages_list_filters_by_kind_and_the_ladder_keeps_kinds_apart()
    {
        var saved = await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, TopUp(), Ct);
        Assert.True(saved.Succeeded);

        var (topUps, total) = await _bed.Catalog.ListAsync(new PackageQuery(Kind: PackageKind.TopUp), Ct);
        var (bases, _) = await _bed.Catalog.ListAsync(new PackageQuery(Kind: PackageKind.Base), Ct);

        Assert.Equal(1, total);
        Assert.Equal(("TOPUP-NEW", PackageKind.TopUp), (topUps[0].Code, topUps[0].Kind));
        Assert.Equal(["P-BIG", "P-SMALL"], bases.Select(r => r.Code).Order(StringComparer.Ordinal));
        Assert.Empty(await _bed.Catalog.LadderAsync(CustomerSegment.Personal, PackageKind.TopUp, Ct));
        Assert.Equal(2, (await _bed.Catalog.LadderAsync(CustomerSegment.Personal, PackageKind.Base, Ct)).Count);
    }

    private async Task<int> PackageIdAsync(string code)
    {
        await using var db = _bed.Database.CreateDbContext();
        return await db.Packages.Where(p => p.Code == code).Select(p => p.Id).SingleAsync(Ct);
    }
}
