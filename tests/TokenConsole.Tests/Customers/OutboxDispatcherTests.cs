using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Features.Customers;

namespace TokenConsole.Tests.Customers;

/// <summary>
/// The outbox dispatcher against a real migrated SQLite file and a real HTTP receiver on a loopback port, with a fake
/// clock for the back-off: delivered once and signed, retried after a failure, nothing lost while the receiver is down
/// or across a restart, never sent twice by two dispatchers.
/// </summary>
public sealed class OutboxDispatcherTests : IDisposable
{
    private const string Secret = "test-secret-only-in-this-test";
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 2, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TestDatabase _database = new();
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly ServiceProvider _http = new ServiceCollection().AddHttpClient().BuildServiceProvider();
    private readonly Settings _settings = new();

    public void Dispose()
    {
        _http.Dispose();
        _database.Dispose();
    }

    /// <summary>Options a test changes as it goes (another URL, as after a reconfiguration).</summary>
    private sealed class Settings : IOptionsMonitor<NotificationOptions>
    {
        public NotificationOptions CurrentValue { get; set; } = new() { WebhookSecret = Secret, Timeout = TimeSpan.FromSeconds(5) };
        public NotificationOptions Get(string? name) => CurrentValue;
        public IDisposable? OnChange(Action<NotificationOptions, string?> listener) => null;
    }

    private OutboxDispatcher NewDispatcher() =>
        new(_database, _http.GetRequiredService<IHttpClientFactory>(), _settings, _clock, NullLogger<OutboxDispatcher>.Instance);

    private async Task<long> AddAsync(string key, TimeSpan age = default)
    {
        await using var db = _database.CreateDbContext();
        var message = new OutboxMessage
        {
            Kind = "threshold", IdempotencyKey = key, Payload = $$"""{"key":"{{key}}","threshold":80,"text":"已用 80 %"}""",
            CreatedAt = _clock.GetUtcNow() - age, NextAttemptAt = _clock.GetUtcNow() - age,
        };
        db.Outbox.Add(message);
        await db.SaveChangesAsync(Ct);
        return message.Id;
    }

    private async Task<OutboxMessage> RowAsync(long id)
    {
        await using var db = _database.CreateDbContext();
        return await db.Outbox.AsNoTracking().SingleAsync(m => m.Id == id, Ct);
    }

    [Fact]
    public async Task A_message_is_delivered_once_signed_and_with_its_idempotency_key()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        _settings.CurrentValue.WebhookUrl = receiver.Url;
        var id = await AddAsync("threshold:1:638000000000000000:80");
        var dispatcher = NewDispatcher();

        Assert.Equal(1, await dispatcher.DispatchOnceAsync(Ct));
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await dispatcher.DispatchOnceAsync(Ct));

        var request = Assert.Single(receiver.Received);
        Assert.True(request.SignatureValid, request.Signature);
        Assert.StartsWith("sha256=", request.Signature, StringComparison.Ordinal);
        Assert.Equal("threshold:1:638000000000000000:80", request.IdempotencyKey);
        Assert.Equal(Start.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), request.Timestamp);
        Assert.Contains("已用 80 %", request.Body, StringComparison.Ordinal);
        var row = await RowAsync(id);
        Assert.Equal((Start, 1, (string?)null), (row.DeliveredAt, row.Attempts, row.LastError));
    }

    [Fact]
    public async Task A_500_is_retried_after_the_back_off_and_then_delivered_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret, 500);
        _settings.CurrentValue.WebhookUrl = receiver.Url;
        var id = await AddAsync("threshold:2:1:100");
        var dispatcher = NewDispatcher();

        await dispatcher.DispatchOnceAsync(Ct);
        var failed = await RowAsync(id);
        Assert.Null(failed.DeliveredAt);
        Assert.Equal(1, failed.Attempts);
        Assert.StartsWith("HTTP 500", failed.LastError, StringComparison.Ordinal);
        Assert.Equal(Start + Backoff.After(1), failed.NextAttemptAt);

        // Not due yet: nothing is sent before the back-off has passed.
        Assert.Equal(0, await dispatcher.DispatchOnceAsync(Ct));
        _clock.Advance(Backoff.After(1));
        Assert.Equal(1, await dispatcher.DispatchOnceAsync(Ct));

        Assert.Equal([500, 200], receiver.Received.Select(r => r.Answered));
        Assert.All(receiver.Received, r => Assert.Equal("threshold:2:1:100", r.IdempotencyKey));
        var delivered = await RowAsync(id);
        Assert.Equal((Start + Backoff.After(1), 2), (delivered.DeliveredAt, delivered.Attempts));
    }

    [Fact]
    public async Task While_the_receiver_is_down_nothing_is_lost_and_the_back_off_grows()
    {
        _settings.CurrentValue.WebhookUrl = $"http://127.0.0.1:{ClosedPort()}/hook";
        var id = await AddAsync("threshold:3:1:80");
        var dispatcher = NewDispatcher();

        await dispatcher.DispatchOnceAsync(Ct);
        _clock.Advance(Backoff.After(1));
        await dispatcher.DispatchOnceAsync(Ct);
        var waiting = await RowAsync(id);
        Assert.Null(waiting.DeliveredAt);
        Assert.Equal(2, waiting.Attempts);
        Assert.False(string.IsNullOrWhiteSpace(waiting.LastError));
        Assert.Equal(_clock.GetUtcNow() + Backoff.After(2), waiting.NextAttemptAt);

        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        _settings.CurrentValue.WebhookUrl = receiver.Url;
        _clock.Advance(Backoff.After(2));
        await dispatcher.DispatchOnceAsync(Ct);

        Assert.Single(receiver.Received);
        Assert.NotNull((await RowAsync(id)).DeliveredAt);
    }

    [Fact]
    public async Task A_new_dispatcher_after_a_restart_continues_oldest_first_without_sending_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        _settings.CurrentValue.WebhookUrl = receiver.Url;
        _settings.CurrentValue.BatchSize = 2;
        await AddAsync("k-newest");
        await AddAsync("k-oldest", TimeSpan.FromMinutes(3));
        await AddAsync("k-middle", TimeSpan.FromMinutes(2));

        Assert.Equal(2, await NewDispatcher().DispatchOnceAsync(Ct));
        // The process is gone; a new one reads the same table.
        Assert.Equal(1, await NewDispatcher().DispatchOnceAsync(Ct));
        Assert.Equal(0, await NewDispatcher().DispatchOnceAsync(Ct));

        Assert.Equal(["k-oldest", "k-middle", "k-newest"], receiver.Received.Select(r => r.IdempotencyKey));
        await using var db = _database.CreateDbContext();
        Assert.Equal(0, await db.Outbox.CountAsync(m => m.DeliveredAt == null, Ct));
    }

    [Fact]
    public async Task Two_dispatchers_running_at_once_send_each_message_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        receiver.Delay = TimeSpan.FromMilliseconds(30);
        _settings.CurrentValue.WebhookUrl = receiver.Url;
        for (var i = 0; i < 8; i++)
        {
            await AddAsync($"k-{i}", TimeSpan.FromSeconds(10 - i));
        }

        var counts = await Task.WhenAll(NewDispatcher().DispatchOnceAsync(Ct), NewDispatcher().DispatchOnceAsync(Ct));

        Assert.Equal(8, counts.Sum());
        Assert.Equal(8, receiver.Received.Count);
        Assert.Equal(8, receiver.Received.Select(r => r.IdempotencyKey).Distinct().Count());
    }

    [Fact]
    public async Task Without_a_webhook_url_or_secret_nothing_is_sent_and_messages_wait()
    {
        var id = await AddAsync("k-wait");
        _settings.CurrentValue.WebhookUrl = "";
        Assert.Equal(0, await NewDispatcher().DispatchOnceAsync(Ct));

        _settings.CurrentValue.WebhookUrl = "http://127.0.0.1:1/hook";
        _settings.CurrentValue.WebhookSecret = "";
        Assert.Equal(0, await NewDispatcher().DispatchOnceAsync(Ct));

        var row = await RowAsync(id);
        Assert.Equal((0, (DateTimeOffset?)null, Start), (row.Attempts, row.DeliveredAt, row.NextAttemptAt));
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_in_time_counts_as_a_failed_attempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        receiver.Delay = TimeSpan.FromSeconds(3);
        _settings.CurrentValue.WebhookUrl = receiver.Url;
        _settings.CurrentValue.Timeout = TimeSpan.FromMilliseconds(200);
        var id = await AddAsync("k-slow");

        await NewDispatcher().DispatchOnceAsync(Ct);

        var row = await RowAsync(id);
        Assert.Null(row.DeliveredAt);
        Assert.Equal(1, row.Attempts);
        Assert.Equal("No answer within 0.2 s", row.LastError);
    }

    [Fact]
    public void The_customers_module_runs_the_dispatcher_as_a_hosted_service()
    {
        using var services = new ServiceCollection()
            .AddModules(_database, _clock, new Dictionary<string, string?> { ["Notifications:WebhookUrl"] = "http://127.0.0.1:1/hook" },
                b => b.AddCustomers())
            .BuildServiceProvider();

        Assert.Contains(services.GetServices<IHostedService>(), s => s is OutboxDispatcher);
        Assert.Equal("http://127.0.0.1:1/hook", services.GetRequiredService<IOptionsMonitor<NotificationOptions>>().CurrentValue.WebhookUrl);
    }

    /// <summary>A loopback port nobody listens on: taken and released, so a connection to it is refused.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
