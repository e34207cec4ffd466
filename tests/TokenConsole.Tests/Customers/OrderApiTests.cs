using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Data;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Customers;
using TokenConsole.Tests.Infrastructure;
using TokenConsole.Tests.Usage;

namespace TokenConsole.Tests.Customers;

/// <summary>
/// The order system's API end to end: the whole app in process, real HTTP, an API key from configuration. Each test
/// orders for a customer of its own (created here), so the tests of this class share one console without meeting.
/// </summary>
public sealed class OrderApiTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TokenConsoleDbContext Db() => factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContext();

    private HttpClient Client(string? key = ConsoleFactory.IngestionKey) => IngestionClient.Create(factory, key);

    private static string NewId() => "ord-" + Guid.NewGuid().ToString("N");

    /// <summary>A new SME customer, in the first seeded region and industry.</summary>
    private async Task<string> NewCustomerAsync()
    {
        await using var db = Db();
        var code = "T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        db.Customers.Add(new Customer
        {
            Code = code, Name = code, NameZh = code, Segment = CustomerSegment.Sme, RegionCode = await db.Regions.Select(r => r.Code).FirstAsync(Ct),
            IndustryCode = await db.Industries.Select(i => i.Code).FirstAsync(Ct), Status = CustomerStatus.Active, CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(Ct);
        return code;
    }

    /// <summary>A top-up pack on sale (the demo catalog of this branch has none): 10M tokens for 30 days at ¥199.</summary>
    private async Task<string> TopUpPackAsync()
    {
        await using var db = Db();
        const string code = "ORD-TOPUP";
        if (!await db.Packages.AnyAsync(p => p.Code == code, Ct))
        {
            var package = new TokenPackage
            {
                Code = code, Segment = CustomerSegment.Sme, Kind = PackageKind.TopUp, Status = PackageStatus.Active, CreatedBy = "pm", CreatedAt = DateTimeOffset.UtcNow,
                Versions = [new PackageVersion { Number = 1, Status = PackageStatus.Active, NameEn = "Top-up 10M", NameZh = "加油包 10M", BillingPeriod = BillingPeriod.OneOff, ValidityDays = 30, PriceCny = 199m, IncludedTokens = 10_000_000 }],
            };
            db.Packages.Add(package);
            await db.SaveChangesAsync(Ct);
            package.ActiveVersionId = package.Versions[0].Id;
            await db.SaveChangesAsync(Ct);
        }
        return code;
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body, string Text)> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, (JsonObject)JsonNode.Parse(text)!, text);
    }

    private async Task<(HttpStatusCode Status, JsonObject Body, string Text)> SubscribeAsync(HttpClient client, object body) =>
        await ReadAsync(await client.PostAsJsonAsync("/api/v1/subscriptions", body, Ct));

    private async Task<(HttpStatusCode Status, JsonObject Body, string Text)> ChangeAsync(HttpClient client, int id, object body) =>
        await ReadAsync(await client.PostAsJsonAsync($"/api/v1/subscriptions/{id}/changes", body, Ct));

    private static string? Error(JsonObject problem, string field) => problem["errors"]?[field]?[0]?.GetValue<string>();

    [Fact]
    public async Task Without_a_valid_key_the_order_is_refused_with_401_problem_json()
    {
        using var client = Client(key: "not-a-key");
        var response = await client.PostAsJsonAsync("/api/v1/subscriptions", new { clientRequestId = NewId(), customerCode = "X", packageCode = "SME-BIZ" }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_subscription_order_creates_one_subscription_a_retry_gets_the_first_answer_and_another_body_under_the_same_id_is_409()
    {
        using var client = Client();
        var customer = await NewCustomerAsync();
        var id = NewId();
        var order = new { clientRequestId = id, customerCode = customer, packageCode = "SME-START" };

        var first = await SubscribeAsync(client, order);
        var retry = await SubscribeAsync(client, order);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal((HttpStatusCode.Created, first.Text), (retry.Status, retry.Text));
        Assert.Equal("Active", first.Body["status"]!.GetValue<string>());
        Assert.Equal("SME-START", first.Body["packageCode"]!.GetValue<string>());
        await using var db = Db();
        var subscriptions = await db.Subscriptions.Include(s => s.Customer).Where(s => s.Customer!.Code == customer).ToListAsync(Ct);
        var subscription = Assert.Single(subscriptions);
        Assert.Equal(subscription.Id, first.Body["subscriptionId"]!.GetValue<int>());
        Assert.Equal(subscription.Version, first.Body["version"]!.GetValue<uint>());
        var key = subscription.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == AuditActions.SubscriptionCreated && a.EntityId == key, Ct);
        Assert.Equal(("apikey:configuration key 0", "Order system (configuration key 0)"), (audit.ActorId, audit.ActorName));

        var other = await SubscribeAsync(client, new { clientRequestId = id, customerCode = customer, packageCode = "SME-BIZ" });
        Assert.Equal(HttpStatusCode.Conflict, other.Status);
        Assert.NotNull(Error(other.Body, "clientRequestId"));
        Assert.Single(await db.Subscriptions.Where(s => s.CustomerId == subscription.CustomerId).ToListAsync(Ct));
    }

    [Fact]
    public async Task Two_copies_of_one_order_sent_at_once_create_one_subscription_and_get_the_same_answer()
    {
        using var client = Client();
        var customer = await NewCustomerAsync();
        var order = new { clientRequestId = NewId(), customerCode = customer, packageCode = "SME-BIZ" };

        var answers = await Task.WhenAll(SubscribeAsync(client, order), SubscribeAsync(client, order), SubscribeAsync(client, order));

        Assert.All(answers, a => Assert.Equal((HttpStatusCode.Created, answers[0].Text), (a.Status, a.Text)));
        await using var db = Db();
        Assert.Equal(1, await db.Subscriptions.CountAsync(s => s.Customer!.Code == customer, Ct));
    }

    [Fact]
    public async Task Bad_orders_are_400_problem_json_naming_the_field()
    {
        using var client = Client();
        var customer = await NewCustomerAsync();

        var missing = await SubscribeAsync(client, new { customerCode = customer, packageCode = "SME-BIZ" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.NotNull(Error(missing.Body, "clientRequestId"));

        var unknown = await SubscribeAsync(client, new { clientRequestId = NewId(), customerCode = "NO-SUCH", packageCode = "NO-SUCH" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.NotNull(Error(unknown.Body, "customerCode"));
        Assert.NotNull(Error(unknown.Body, "packageCode"));

        var badDate = await ReadAsync(await client.PostAsync("/api/v1/subscriptions",
            new StringContent($$"""{"clientRequestId":"{{NewId()}}","customerCode":"{{customer}}","packageCode":"SME-BIZ","startsAt":"yesterday"}""",
                System.Text.Encoding.UTF8, "application/json"), Ct));
        Assert.Equal(HttpStatusCode.BadRequest, badDate.Status);
        Assert.NotNull(Error(badDate.Body, "startsAt"));

        var past = await SubscribeAsync(client, new { clientRequestId = NewId(), customerCode = customer, packageCode = "SME-BIZ", startsAt = DateTimeOffset.UtcNow.AddDays(-2) });
        Assert.Equal(HttpStatusCode.BadRequest, past.Status);
        Assert.Equal("The start cannot be in the past.", Error(past.Body, "startsAt"));

        var segment = await SubscribeAsync(client, new { clientRequestId = NewId(), customerCode = customer, packageCode = "IND-FIN" });
        Assert.Equal("This package is not sold to the customer's segment.", Error(segment.Body, "packageCode"));

        await using var db = Db();
        Assert.Equal(0, await db.Subscriptions.CountAsync(s => s.Customer!.Code == customer, Ct));
    }

    [Fact]
    public async Task Changes_upgrade_suspend_resume_and_top_up_each_with_the_version_of_the_previous_answer()
    {
        using var client = Client();
        var customer = await NewCustomerAsync();
        var created = await SubscribeAsync(client, new { clientRequestId = NewId(), customerCode = customer, packageCode = "SME-START" });
        var id = created.Body["subscriptionId"]!.GetValue<int>();
        uint Version((HttpStatusCode, JsonObject Body, string) answer) => answer.Body["version"]!.GetValue<uint>();

        var upgraded = await ChangeAsync(client, id, new { clientRequestId = NewId(), action = "upgrade", packageCode = "SME-BIZ", version = Version(created) });
        Assert.Equal(HttpStatusCode.OK, upgraded.Status);
        Assert.Equal("SME-BIZ", upgraded.Body["packageCode"]!.GetValue<string>());

        var noReason = await ChangeAsync(client, id, new { clientRequestId = NewId(), action = "suspend", version = Version(upgraded) });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.Status);
        Assert.Equal("Give a reason for the suspension.", Error(noReason.Body, "reason"));

        var suspended = await ChangeAsync(client, id, new { clientRequestId = NewId(), action = "suspend", reason = "unpaid", version = Version(upgraded) });
        Assert.Equal("Suspended", suspended.Body["status"]!.GetValue<string>());

        // While suspended, the gateway's usage for it is refused with its own reason.
        var subject = await IngestionSubject.FindAsync(factory);
        using var gateway = IngestionClient.Create(factory);
        var usage = new JsonObject
        {
            ["id"] = NewId(), ["timestamp"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"), ["customer"] = customer, ["package"] = "SME-BIZ",
            ["model"] = subject.Model, ["region"] = subject.Region, ["industry"] = subject.Industry, ["inputTokens"] = 100, ["outputTokens"] = 10,
        };
        var refused = await IngestionClient.ResultAsync(await IngestionClient.PostAsync(gateway, usage));
        Assert.Equal("subscription_suspended", refused["errors"]![0]!["reason"]!.GetValue<string>());

        var topUpWhileSuspended = await ChangeAsync(client, id, new { clientRequestId = NewId(), action = "topUp", packageCode = await TopUpPackAsync(), version = Version(suspended) });
        Assert.Equal(HttpStatusCode.BadRequest, topUpWhileSuspended.Status);

        var resumed = await ChangeAsync(client, id, new { clientRequestId = NewId(), action = "resume", version = Version(suspended) });
        Assert.Equal("Active", resumed.Body["status"]!.GetValue<string>());
        var toppedUp = await ChangeAsync(client, id, new { clientRequestId = NewId(), action = "topUp", packageCode = await TopUpPackAsync(), version = Version(resumed) });
        Assert.Equal(HttpStatusCode.OK, toppedUp.Status);
        var bucketId = toppedUp.Body["topUpId"]!.GetValue<long>();
        await using var db = Db();
        var bucket = await db.AllowanceBuckets.SingleAsync(b => b.Id == bucketId, Ct);
        Assert.Equal((id, BucketKind.TopUp, 19_900L, "apikey:configuration key 0"), (bucket.SubscriptionId, bucket.Kind, bucket.PriceFen, bucket.SoldById));
    }

    [Fact]
    public async Task A_stale_version_is_409_an_unknown_subscription_404_and_neither_changes_anything()
    {
        using var client = Client();
        var customer = await NewCustomerAsync();
        var created = await SubscribeAsync(client, new { clientRequestId = NewId(), customerCode = customer, packageCode = "SME-START" });
        var id = created.Body["subscriptionId"]!.GetValue<int>();
        var version = created.Body["version"]!.GetValue<uint>();

        var cancel = new { clientRequestId = NewId(), action = "cancel", version };
        var cancelled = await ChangeAsync(client, id, cancel);
        Assert.Equal(HttpStatusCode.OK, cancelled.Status);
        Assert.NotNull(cancelled.Body["endsAt"]);
        var stale = await ChangeAsync(client, id, new { clientRequestId = NewId(), action = "upgrade", packageCode = "SME-BIZ", version });
        Assert.Equal(HttpStatusCode.Conflict, stale.Status);
        Assert.NotNull(Error(stale.Body, "version"));
        // The cancel order retried (its answer was lost, say) gets its first answer, not a conflict, and cancels nothing twice.
        var retried = await ChangeAsync(client, id, cancel);
        Assert.Equal((HttpStatusCode.OK, cancelled.Text), (retried.Status, retried.Text));

        var missing = await ChangeAsync(client, 999_999, new { clientRequestId = NewId(), action = "cancel", version = 1 });
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        var badAction = await ChangeAsync(client, id, new { clientRequestId = NewId(), action = "explode", version = 1 });
        Assert.NotNull(Error(badAction.Body, "action"));
        var noVersion = await ChangeAsync(client, id, new { clientRequestId = NewId(), action = "resume" });
        Assert.NotNull(Error(noVersion.Body, "version"));

        await using var db = Db();
        var s = await db.Subscriptions.SingleAsync(x => x.Id == id, Ct);
        Assert.Equal(await db.Packages.Where(p => p.Code == "SME-START").Select(p => p.Id).SingleAsync(Ct), s.PackageId);
        Assert.NotNull(s.EndsAt);
        var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == AuditActions.SubscriptionCancelScheduled && a.EntityId == key, Ct));
    }
}
