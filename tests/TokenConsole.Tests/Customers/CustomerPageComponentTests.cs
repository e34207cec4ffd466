using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Customers;
using TokenConsole.Tests.Components;

namespace TokenConsole.Tests.Customers;

/// <summary>
/// The customer pages rendered with bUnit against the real customers module on a real SQLite file: the list's filters
/// change the rows the grid asks the database for, the buckets show as bars with their figures (and a period without a
/// bucket row yet shows the virtual allowance), and the subscription dialogs check their field before calling the service.
/// </summary>
public sealed class CustomerPageComponentTests : ComponentTestContext
{
    private readonly CustomersTestBed _bed = new();
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public CustomerPageComponentTests()
    {
        _bed.SeedCustomers();
        Services.AddModules(_bed.Database, new FakeTimeProvider(CustomersTestBed.Now), b => b.AddCustomers());
        UseCulture("en");
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        _bed.Dispose();
    }

    /// <summary>Signs in (or stays signed out) and marks the renderer interactive: both before the first render.</summary>
    private void Start(string? role)
    {
        SignInAs(role);
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
    }

    private static IReadOnlyList<string> Codes(IRenderedComponent<CustomersPage> page) =>
        [.. page.FindAll("[data-testid^='customer-']").Select(e => e.GetAttribute("data-testid")!).Where(id => id is "customer-C-BANK" or "customer-GOV-BJ" or "customer-C-DATA" or "customer-OLD-1").Select(id => id["customer-".Length..])];

    // MudSwitch puts the test id on its root or on its input, depending on the version: take the input either way.
    private static AngleSharp.Dom.IElement Switch(IRenderedComponent<CustomersPage> page, string testId)
    {
        var element = page.Find($"[data-testid='{testId}']");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    [Fact]
    public void The_limit_filters_and_the_search_change_the_rows_of_the_list()
    {
        Start(Roles.Executive);
        var page = Render<CustomersPage>();
        page.WaitForAssertion(() => Assert.Equal(["C-BANK", "C-DATA", "GOV-BJ", "OLD-1"], Codes(page)));
        Assert.Empty(page.FindAll("[data-testid='customer-create']"));

        Switch(page, "customers-limit-reached").Change(true);
        page.WaitForAssertion(() => Assert.Equal(["GOV-BJ"], Codes(page)));
        page.WaitForAssertion(() => Assert.Equal("100.0%", page.Find("[data-testid='customer-used-GOV-BJ']").TextContent.Trim()));

        Switch(page, "customers-limit-reached").Change(false);
        Switch(page, "customers-near-limit").Change(true);
        page.WaitForAssertion(() => Assert.Equal(["C-BANK", "GOV-BJ"], Codes(page)));
    }

    [Fact]
    public void A_search_that_matches_nobody_says_what_to_do_and_an_account_manager_sees_the_create_button()
    {
        Start(Roles.AccountManager);
        var page = Render<CustomersPage>();
        page.WaitForAssertion(() => Assert.Equal(4, Codes(page).Count));
        Assert.Single(page.FindAll("[data-testid='customer-create']"));

        // The field waits for the typing to pause; leaving it commits the value at once.
        var search = page.FindComponent<MudTextField<string>>().Find("input");
        search.Input("招商银行");
        search.Blur();
        page.WaitForAssertion(() => Assert.Contains("create the customer with New customer", page.Find("[data-testid='customers-empty']").TextContent, StringComparison.Ordinal),
            TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_buckets_show_used_and_remaining_with_the_reset_day_and_top_ups_with_their_expiry()
    {
        Start(null);
        var bars = new List<BucketBar>
        {
            new(BucketKind.Allowance, 1_000_000, 850_000, new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero), Virtual: false),
            new(BucketKind.TopUp, 200_000, 50_000, new DateTimeOffset(2026, 12, 10, 16, 0, 0, TimeSpan.Zero), Virtual: false, "Boost 200K", "加油包 20 万"),
        };
        var cut = Render<BucketBars>(p => p.Add(b => b.Buckets, bars).Add(b => b.SubscriptionId, 7));

        var allowance = cut.Find("[data-testid='bucket-7-0']");
        Assert.Equal("850K used of 1M · 150K left", allowance.QuerySelector("[data-testid='bucket-figures']")!.TextContent.Trim());
        Assert.Equal("85", allowance.QuerySelector("[data-testid='bucket-bar']")!.GetAttribute("data-used"));
        Assert.StartsWith("Resets on 1 Dec 2026 00:00", allowance.QuerySelector("[data-testid='bucket-until']")!.TextContent.Trim(), StringComparison.Ordinal);
        var topUp = cut.Find("[data-testid='bucket-7-1']");
        Assert.Contains("Top-up: Boost 200K", topUp.TextContent, StringComparison.Ordinal);
        Assert.Equal("50K used of 200K · 150K left", topUp.QuerySelector("[data-testid='bucket-figures']")!.TextContent.Trim());
        Assert.StartsWith("Expires 11 Dec 2026 00:00", topUp.QuerySelector("[data-testid='bucket-until']")!.TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_period_without_a_bucket_row_shows_the_virtual_allowance_and_the_rollover_it_would_carry()
    {
        await using var db = _bed.Database.CreateDbContext();
        var version = await db.PackageVersions.Include(v => v.Package).SingleAsync(Ct);
        version.RolloverPercent = 50;
        var subscription = await db.Subscriptions.Include(s => s.Terms).FirstAsync(s => s.Customer!.Code == "C-BANK", Ct);
        var october = BusinessCalendar.ToUtc(new DateTime(2026, 10, 1));
        subscription.Terms[0].Anchor = october;
        subscription.Terms[0].From = new DateTimeOffset(october, TimeSpan.Zero);
        // October's allowance: 1,000,000 with 300,000 used → 700,000 unused, capped at 50 % = 500,000 carried into November.
        var previous = new AllowanceBucket
        {
            SubscriptionId = subscription.Id, CustomerId = subscription.CustomerId, Kind = BucketKind.Allowance, PeriodStart = new DateTimeOffset(october, TimeSpan.Zero),
            ValidFrom = new DateTimeOffset(october, TimeSpan.Zero), ValidTo = new DateTimeOffset(BusinessCalendar.ToUtc(new DateTime(2026, 11, 1)), TimeSpan.Zero), Included = 1_000_000, Used = 300_000,
        };
        Start(null);
        var view = CustomerQueries.View(subscription, new Dictionary<int, PackageVersion> { [version.Id] = version }, [previous], new Dictionary<int, PackageVersion>(), CustomersTestBed.Now);

        Assert.Equal(2, view.Buckets.Count);
        Assert.Equal((BucketKind.Rollover, 500_000m, 0m, true), (view.Buckets[0].Kind, view.Buckets[0].Included, view.Buckets[0].Used, view.Buckets[0].Virtual));
        Assert.Equal((BucketKind.Allowance, 1_000_000m, 0m, true), (view.Buckets[1].Kind, view.Buckets[1].Included, view.Buckets[1].Used, view.Buckets[1].Virtual));
        Assert.Equal(new DateTimeOffset(BusinessCalendar.ToUtc(new DateTime(2026, 12, 1)), TimeSpan.Zero), view.Buckets[1].ValidTo);

        var cut = Render<BucketBars>(p => p.Add(b => b.Buckets, view.Buckets).Add(b => b.SubscriptionId, view.Id));
        Assert.Contains("no usage yet this period", cut.Find($"[data-testid='bucket-{view.Id}-1']").TextContent, StringComparison.Ordinal);
        Assert.Equal("0 used of 1M · 1M left", cut.Find($"[data-testid='bucket-{view.Id}-1'] [data-testid='bucket-figures']").TextContent.Trim());
    }

    [Fact]
    public async Task The_customer_page_shows_the_profile_names_and_the_subscription_s_bucket_from_the_database()
    {
        Start(Roles.Executive);
        var page = Render<CustomerPage>(p => p.Add(c => c.Code, "c-bank"));
        page.WaitForAssertion(() => Assert.Contains("Shenzhen WeBank", page.Find("[data-testid='customer-title']").TextContent, StringComparison.Ordinal));
        var profile = page.Find("[data-testid='customer-profile']").TextContent;
        Assert.Contains("Guangdong", profile, StringComparison.Ordinal);
        Assert.Contains("Finance", profile, StringComparison.Ordinal);
        Assert.Contains("Liu Yang", profile, StringComparison.Ordinal);
        var subscription = await _bed.ReadAsync(db => db.Subscriptions.SingleAsync(s => s.Customer!.Code == "C-BANK", Ct));
        Assert.Equal("850K used of 1M · 150K left", page.Find($"[data-testid='bucket-{subscription.Id}-0'] [data-testid='bucket-figures']").TextContent.Trim());
        // An executive reads; the actions are for account managers (and operations for suspend).
        Assert.Empty(page.FindAll("[data-testid='action-upgrade']"));
        Assert.Empty(page.FindAll("[data-testid='customer-edit']"));
    }

    [Theory]
    [InlineData(SubscriptionAction.Upgrade, "Choose a package.")]
    [InlineData(SubscriptionAction.TopUp, "Choose a top-up pack.")]
    [InlineData(SubscriptionAction.Suspend, "Say why the subscription is suspended.")]
    public void A_subscription_dialog_asks_for_its_package_or_reason_next_to_the_field_before_calling_the_service(SubscriptionAction action, string message)
    {
        // SubscriptionService's bodies are another helper's part (stubs that throw on this branch): the dialog must refuse
        // before it calls them. The success path and the service's refusals are left to the lead's E2E after the merge.
        Start(Roles.AccountManager);
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        var view = new SubscriptionView(1, 0, _bed.PackageId, "BIZ-100", "Business 100", "企业 100", SubscriptionStatus.Active, CustomersTestBed.Now, null, null, null, null, [], ExhaustionPolicy.PayAsYouGo);

        provider.InvokeAsync(() => dialogs.ShowAsync<SubscriptionActionDialog>("Act", new DialogParameters<SubscriptionActionDialog> { { d => d.Action, action }, { d => d.Subscription, view } }));
        provider.WaitForElement("[data-testid='subscription-confirm']").Click();

        provider.WaitForAssertion(() => Assert.Contains(message, provider.Find(".mud-input-helper-text").TextContent, StringComparison.Ordinal));
        Assert.Empty(provider.FindAll("[data-testid='subscription-error']"));
    }
}
