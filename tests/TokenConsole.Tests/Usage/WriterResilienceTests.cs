using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TokenConsole.Data;
using TokenConsole.Features.Usage.Ingestion;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Usage;

/// <summary>
/// A console whose writer gives up on a lock after 1 s (instead of 30) and whose raw-event clean-up is due after every
/// batch, so that a lock held for a few seconds is longer than every timeout and meets the clean-up.
/// </summary>
public sealed class ShortTimeoutConsole : IAsyncDisposable
{
    public ShortTimeoutConsole()
    {
        Factory.Settings["Ingestion:BusyTimeoutSeconds"] = "1";
        Factory.Settings["Ingestion:EventRetentionIntervalMinutes"] = "0";
        // Only the test's own lock may hold the database: a bill run started at start-up writes in batches that, on a
        // loaded machine, can hold the write lock past this writer's 1 s and fail the request sent before the lock.
        Factory.Settings["Billing:ScheduleBillRun"] = "false";
    }

    public ConsoleFactory Factory { get; } = new();

    public ValueTask DisposeAsync() => Factory.DisposeAsync();

    /// <summary>Another process's write lock on the console's database file (as <c>BEGIN EXCLUSIVE</c> in the sqlite3 shell), until disposed.</summary>
    public async Task<SqliteConnection> LockExclusivelyAsync()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Factory.DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN EXCLUSIVE";
        await begin.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        return connection;
    }
}

/// <summary>Issue 12, item 6: a database lock held by another process must not stop the server or its writer.</summary>
// SQLite only: SQLite's file-wide write lock held by another connection.
[Trait("Provider", "Sqlite")]
public sealed class WriterResilienceTests(ShortTimeoutConsole console) : IClassFixture<ShortTimeoutConsole>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewId() => "res-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_write_lock_held_longer_than_the_timeouts_leaves_the_host_running_and_ingestion_works_after_it_is_released()
    {
        var factory = console.Factory;
        var subject = await IngestionSubject.FindAsync(factory);
        var lifetime = factory.Services.GetRequiredService<IHostApplicationLifetime>();
        using var client = IngestionClient.Create(factory);
        await IngestionClient.ResultAsync(await IngestionClient.PostAsync(client, subject.Event(NewId(), DateTimeOffset.UtcNow.AddMinutes(-1))));

        // A day of raw events past its retention, for the clean-up to drop: the writer is idle now, so it is still there
        // when the lock is taken, and the clean-up due at the writer's reopening meets the lock.
        await using (var old = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = factory.DatabasePath, Pooling = false }.ToString()))
        {
            await old.OpenAsync(Ct);
            UsageEventTables.EnsureDay(old, null, UsageEventTables.DayOf(new DateTime(2020, 1, 1).Ticks));
        }
        var during = NewId();
        await using (var locked = await console.LockExclusivelyAsync())
        {
            // The write waits 1 s for the lock and fails: the request is told to retry, nothing is acknowledged.
            var refused = await IngestionClient.PostAsync(client, subject.Event(during, DateTimeOffset.UtcNow.AddMinutes(-1)));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            // The clean-up, due whenever the writer (re)opens and after every batch here, meets the same lock.
            await Task.Delay(TimeSpan.FromSeconds(5), Ct);
        }

        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "The host stopped because of a database lock.");
        Assert.Contains(factory.Logs.Messages, m => m.StartsWith("Dropping expired days of raw usage events failed", StringComparison.Ordinal));
        var after = new[] { NewId(), NewId() };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpResponseMessage response;
        do
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            try
            {
                response = await client.PostAsJsonAsync("/api/v1/usage/events",
                    new { events = new[] { subject.Event(after[0], DateTimeOffset.UtcNow.AddMinutes(-1)), subject.Event(after[1], DateTimeOffset.UtcNow.AddMinutes(-1)) } },
                    timeout.Token);
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                Assert.Fail("The usage writer no longer answers after the lock was released.");
                return;
            }
            if (response.StatusCode == HttpStatusCode.OK)
            {
                break;
            }
            // A 503 while the writer backs off after the lock is a retry, as a gateway would do.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await Task.Delay(500, Ct);
        }
        while (DateTime.UtcNow < deadline);
        var result = await IngestionClient.ResultAsync(response);
        Assert.Equal(2, (int)result["accepted"]!);

        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal(2, await db.UsageEvents.CountAsync(e => after.Contains(e.EventId), Ct));
        Assert.False(await db.UsageEvents.AnyAsync(e => e.EventId == during, Ct));
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "The host stopped because of a database lock.");
    }
}
