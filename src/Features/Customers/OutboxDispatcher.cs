using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenConsole.Data;
using TokenConsole.Data.Cluster;

namespace TokenConsole.Features.Customers;

/// <summary>
/// Delivers the outbox to <see cref="NotificationOptions.WebhookUrl"/>: undelivered messages that are due, oldest first, in
/// small batches, each POSTed with its idempotency key and a signature (<see cref="OutboxSignature"/>). A 2xx marks it
/// delivered; anything else (an error status, a refused connection, a timeout) counts an attempt, keeps the error and
/// puts the next attempt off by <see cref="Backoff"/>. All of that state is in the table, so a restart loses nothing
/// and picks up where the last process stopped.
/// </summary>
/// <remarks>
/// Each message is claimed before it is sent: a conditional UPDATE moves its <see cref="OutboxMessage.NextAttemptAt"/>
/// past the send's timeout, and only the dispatcher whose UPDATE changed the row sends it. So two dispatchers never send a
/// message twice at once (in one process, or on one database). A process killed between the send and the record sends
/// the message again after the claim lapses: delivery is at least once, and the receiver de-duplicates by the key.
/// With several instances, the one holding the <see cref="JobLease"/> dispatches.
/// </remarks>
public sealed class OutboxDispatcher(IDbContextFactory<TokenConsoleDbContext> dbFactory, IHttpClientFactory httpClients,
    IOptionsMonitor<NotificationOptions> options, TimeProvider clock, ILogger<OutboxDispatcher> logger, JobLease? lease = null) : BackgroundService
{
    // Built without a host (tests), a job is one instance's and holds the lease.
    private readonly JobLease _lease = lease ?? JobLease.HeldAlone();

    public const string HttpClientName = "outbox";
    private const int MaxErrorLength = 500;

    private bool _warnedUnconfigured;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            await _lease.WhenHeldAsync(stoppingToken);
            try
            {
                handled = await DispatchOnceAsync(stoppingToken);
                failures = 0;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database was busy or gone: the outbox is still there; try again after a bounded back-off.
                failures++;
                logger.LogError(ex, "Outbox dispatch failed; retrying after a back-off");
            }
            var current = options.CurrentValue;
            var delay = failures > 0 ? Backoff.After(failures) : handled >= Math.Max(1, current.BatchSize) ? TimeSpan.Zero : current.PollInterval;
            if (delay > TimeSpan.Zero && !await Backoff.WaitAsync(delay, clock, stoppingToken))
            {
                return;
            }
        }
    }

    /// <summary>One round: sends the due messages of one batch. Returns how many it tried (0 when not configured).</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.CurrentValue;
        if (!settings.IsConfigured)
        {
            if (!_warnedUnconfigured && !string.IsNullOrEmpty(settings.WebhookUrl))
            {
                logger.LogWarning("Notifications:WebhookUrl is set but not usable (an absolute http(s) URL and Notifications:WebhookSecret are needed): messages wait in the outbox");
            }
            _warnedUnconfigured = true;
            return 0;
        }
        _warnedUnconfigured = false;

        var now = clock.GetUtcNow();
        List<OutboxMessage> due;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            due = await db.Outbox.AsNoTracking()
                .Where(m => m.DeliveredAt == null && m.NextAttemptAt <= now)
                .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
                .Take(Math.Clamp(settings.BatchSize, 1, 500))
                .ToListAsync(cancellationToken);
        }
        var tried = 0;
        foreach (var message in due)
        {
            if (!await ClaimAsync(message, now + settings.Timeout * 2 + TimeSpan.FromSeconds(5), cancellationToken))
            {
                continue;
            }
            tried++;
            var error = await SendAsync(message, settings, cancellationToken);
            await RecordAsync(message, error);
        }
        return tried;
    }

    private async Task<bool> ClaimAsync(OutboxMessage message, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var seen = message.NextAttemptAt;
        var claimed = await db.Outbox
            .Where(m => m.Id == message.Id && m.DeliveredAt == null && m.NextAttemptAt == seen)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, until), cancellationToken);
        return claimed == 1;
    }

    /// <summary>Posts one message; null when the receiver accepted it, otherwise what went wrong.</summary>
    private async Task<string?> SendAsync(OutboxMessage message, NotificationOptions settings, CancellationToken cancellationToken)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.WebhookUrl)
        {
            Content = new StringContent(message.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(OutboxSignature.IdempotencyHeader, message.IdempotencyKey);
        request.Headers.Add(OutboxSignature.TimestampHeader, timestamp);
        request.Headers.Add(OutboxSignature.SignatureHeader, OutboxSignature.Compute(settings.WebhookSecret, timestamp, message.Payload));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".Trim();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"No answer within {settings.Timeout.TotalSeconds:0.#} s";
        }
        catch (HttpRequestException ex)
        {
            return ex.Message;
        }
    }

    private async Task RecordAsync(OutboxMessage message, string? error)
    {
        // The outcome is recorded even when the host is stopping: a message sent must not be sent again for want of a write.
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var now = clock.GetUtcNow();
        var row = db.Outbox.Where(m => m.Id == message.Id);
        if (error is null)
        {
            await row.ExecuteUpdateAsync(s => s.SetProperty(m => m.DeliveredAt, now).SetProperty(m => m.Attempts, m => m.Attempts + 1)
                .SetProperty(m => m.LastError, (string?)null), CancellationToken.None);
            return;
        }
        var attempts = message.Attempts + 1;
        var next = now + Backoff.After(attempts);
        var text = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
        await row.ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, attempts).SetProperty(m => m.LastError, text)
            .SetProperty(m => m.NextAttemptAt, next), CancellationToken.None);
        logger.LogWarning("Outbox message {Id} ({Key}) not delivered (attempt {Attempts}): {Error}; next attempt at {Next:o}",
            message.Id, message.IdempotencyKey, attempts, text, next);
    }
}
