using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Customers;
using TokenConsole.Tests.Catalog;
using TokenConsole.Tests.Components;

namespace TokenConsole.Tests.Customers;

/// <summary>
/// The threshold notifications list over a real SQLite file: each notification with its customer, package, threshold,
/// used / included and the state of its outbox message (found by the design's idempotency key); the filters; the
/// component's cells in English and Chinese.
/// </summary>
public sealed class NotificationsListTests : ComponentTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Period = new(2026, 11, 9, 16, 0, 0, TimeSpan.Zero);

    private readonly CatalogTestBed _bed = new();
    private readonly NotificationOptions _options = new() { WebhookUrl = "https://gateway.example/hook", WebhookSecret = "s" };
    private int _acme;
    private int _beta;

    public NotificationsListTests()
    {
        SignInAs(Roles.AccountManager);
        Services.AddSingleton<IDbContextFactory<TokenConsoleDbContext>>(_bed.Database);
        Services.AddSingleton<IOptionsMonitor<NotificationOptions>>(new Monitor(_options));
        Services.AddScoped<NotificationListService>();
        Seed();
    }

    private sealed class Monitor(NotificationOptions value) : IOptionsMonitor<NotificationOptions>
    {
        public NotificationOptions CurrentValue => value;
        public NotificationOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<NotificationOptions, string?> listener) => null;
    }

    protected override ValueTask DisposeAsyncCore()
    {
        _bed.Dispose();
        return base.DisposeAsyncCore();
    }

    private void Seed()
    {
        using var db = _bed.Database.CreateDbContext();
        var big = db.Packages.Single(p => p.Code == "P-BIG");
        var small = db.Packages.Single(p => p.Code == "P-SMALL");
        var acme = new Customer { Code = "C-ACME", Name = "Acme Logistics", NameZh = "艾克米物流", IndustryCode = "finance", RegionCode = "CN-GD", AccountManagerId = "am-1" };
        var beta = new Customer { Code = "C-BETA", Name = "Beta Retail", NameZh = "贝塔零售", IndustryCode = "consumer", RegionCode = "CN-GD", AccountManagerId = "am-2" };
        db.Customers.AddRange(acme, beta);
        db.SaveChanges();
        var acmeSub = new Subscription { CustomerId = acme.Id, PackageId = big.Id, PackageVersionId = big.ActiveVersionId!.Value, StartsAt = Period };
        var betaSub = new Subscription { CustomerId = beta.Id, PackageId = small.Id, PackageVersionId = small.ActiveVersionId!.Value, StartsAt = Period };
        db.Subscriptions.AddRange(acmeSub, betaSub);
        db.SaveChanges();
        (_acme, _beta) = (acme.Id, beta.Id);

        void Notify(Subscription s, int threshold, decimal used, decimal included, int minutes, DateTimeOffset? delivered, int attempts, string? error)
        {
            var at = Period.AddDays(3).AddMinutes(minutes);
            db.CustomerNotifications.Add(new CustomerNotification
            {
                CustomerId = s.CustomerId, SubscriptionId = s.Id, PeriodStart = Period, Threshold = threshold, Used = used, Included = included, CreatedAt = at,
            });
            db.Outbox.Add(new OutboxMessage
            {
                Kind = "threshold", IdempotencyKey = NotificationListService.OutboxKey(s.Id, Period, threshold), Payload = "{}", CreatedAt = at,
                NextAttemptAt = at.AddSeconds(4), DeliveredAt = delivered, Attempts = attempts, LastError = error,
            });
        }
        Notify(acmeSub, 80, 40_000_000m, 50_000_000m, 0, Period.AddDays(3).AddMinutes(1), 1, null);
        Notify(acmeSub, 100, 50_000_000m, 50_000_000m, 60, null, 2, "HTTP 503 Service Unavailable");
        Notify(betaSub, 80, 4_000_000.5m, 5_000_000m, 30, null, 0, null);
        db.SaveChanges();
    }

    private NotificationListService Service => Services.GetRequiredService<NotificationListService>();

    [Fact]
    public async Task Each_notification_comes_with_its_customer_package_values_and_delivery_newest_first()
    {
        var (rows, total) = await Service.ListAsync(new NotificationQuery(), Ct);

        Assert.Equal(3, total);
        Assert.Equal([100, 80, 80], rows.Select(r => r.Threshold));
        var pending = rows[0];
        Assert.Equal(("C-ACME", "艾克米物流", "P-BIG", 50_000_000m, 50_000_000m), (pending.CustomerCode, pending.CustomerNameZh, pending.PackageCode, pending.Used, pending.Included));
        Assert.Equal((DeliveryState.Pending, 2, "HTTP 503 Service Unavailable"), (pending.Delivery, pending.Attempts, pending.LastError));
        Assert.Equal((DeliveryState.Pending, 4_000_000.5m), (rows[1].Delivery, rows[1].Used));
        Assert.Equal((DeliveryState.Delivered, Period.AddDays(3).AddMinutes(1)), (rows[2].Delivery, rows[2].DeliveredAt));
    }

    [Fact]
    public async Task Filters_by_customer_threshold_delivery_and_account_manager()
    {
        Assert.Equal(2, (await Service.ListAsync(new NotificationQuery(CustomerId: _acme), Ct)).Total);
        Assert.Equal(["C-BETA"], (await Service.ListAsync(new NotificationQuery(CustomerId: _beta), Ct)).Rows.Select(r => r.CustomerCode));
        Assert.Equal(2, (await Service.ListAsync(new NotificationQuery(Threshold: 80), Ct)).Total);
        Assert.Equal([80], (await Service.ListAsync(new NotificationQuery(Delivered: true), Ct)).Rows.Select(r => r.Threshold));
        Assert.Equal(2, (await Service.ListAsync(new NotificationQuery(Delivered: false), Ct)).Total);
        Assert.Equal(["C-BETA"], (await Service.ListAsync(new NotificationQuery(AccountManagerId: "am-2"), Ct)).Rows.Select(r => r.CustomerCode));
        var page = await Service.ListAsync(new NotificationQuery(Page: 1, PageSize: 2), Ct);
        Assert.Equal((3, 1), (page.Total, page.Rows.Count));
    }

    [Fact]
    public async Task Without_a_webhook_what_is_not_delivered_says_so()
    {
        _options.WebhookUrl = "";

        var (rows, _) = await Service.ListAsync(new NotificationQuery(), Ct);

        Assert.Equal([DeliveryState.NotConfigured, DeliveryState.NotConfigured, DeliveryState.Delivered], rows.Select(r => r.Delivery));
    }

    [Fact]
    public void The_list_of_a_customer_shows_threshold_used_included_and_delivery_state()
    {
        var cut = Render<CustomerNotificationsList>(p => p.Add(c => c.CustomerId, _acme));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid='notification-threshold']").Count));
        Assert.Equal(["100 %", "80 %"], cut.FindAll("[data-testid='notification-threshold']").Select(e => e.TextContent.Trim()));
        Assert.Equal(["50M / 50M", "40M / 50M"], cut.FindAll("[data-testid='notification-used']").Select(e => e.TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid='notification-customer']"));
        Assert.Equal("Last error: HTTP 503 Service Unavailable", cut.Find("[data-testid='delivery-error']").TextContent.Trim());
        Assert.StartsWith("2 attempts", cut.Find("[data-testid='delivery-attempts']").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Single(cut.FindAll("[data-testid='delivery-delivered']"));
        Assert.Contains("Acme Logistics has used 80.0% of this period's allowance of P-BIG (40,000,000 of 50,000,000 tokens", cut.Find("[data-testid='notifications-grid']").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void In_Chinese_the_list_shows_the_Chinese_names_and_states()
    {
        UseCulture("zh-CN");
        _options.WebhookUrl = "";

        var cut = Render<CustomerNotificationsList>(p => p.Add(c => c.Threshold, 80));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid='notification-customer']").Count));
        Assert.Equal(["贝塔零售", "艾克米物流"], cut.FindAll("[data-testid='notification-customer']").Select(e => e.TextContent.Trim()));
        Assert.Contains("未配置 Webhook", cut.Find("[data-testid='delivery-not-configured']").TextContent, StringComparison.Ordinal);
        Assert.Contains("已送达", cut.Find("[data-testid='delivery-delivered']").TextContent, StringComparison.Ordinal);
        Assert.Contains("Token", cut.Markup, StringComparison.Ordinal);
    }
}
