using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenConsole.Data;
using TokenConsole.Tests.Infrastructure;
using TokenConsole.Tests.Usage;

namespace TokenConsole.Tests.Data;

public sealed class HealthTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/health")]
    public async Task Health_answers_200_without_signing_in_when_the_database_is_reachable(string path)
    {
        using var client = factory.CreateBrowserLikeClient();
        var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("Healthy", (string?)body["status"]);
    }

    [Fact]
    public async Task The_health_check_is_unhealthy_when_the_database_file_answers_queries_but_is_read_only()
    {
        var options = new DbContextOptionsBuilder<TokenConsoleDbContext>()
            .UseSqlite(new SqliteConnectionStringBuilder { DataSource = factory.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()).Options;
        var check = new DatabaseHealthCheck(new FixedFactory(options));
        var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Fact]
    public async Task The_memory_diagnostics_of_the_circuit_benchmark_are_off_unless_configured()
    {
        using var client = factory.CreateBrowserLikeClient();
        var response = await client.GetAsync("/diagnostics/memory", TestContext.Current.CancellationToken);
        Assert.DoesNotContain("heapBytes", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_health_check_is_unhealthy_when_the_database_cannot_be_opened()
    {
        var options = new DbContextOptionsBuilder<TokenConsoleDbContext>().UseSqlite("Data Source=/nonexistent-folder/x.db;Mode=ReadOnly").Options;
        var check = new DatabaseHealthCheck(new FixedFactory(options));
        var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    private sealed class FixedFactory(DbContextOptions<TokenConsoleDbContext> options) : IDbContextFactory<TokenConsoleDbContext>
    {
        public TokenConsoleDbContext CreateDbContext() => new(options);
    }
}

/// <summary>Issue 12, item 8: readiness follows whether the database takes writes and the usage writer commits; liveness does not.</summary>
// SQLite only: SQLite's file-wide lock and a read-only file.
[Trait("Provider", "Sqlite")]
public sealed class ReadinessTests(ShortTimeoutConsole console) : IClassFixture<ShortTimeoutConsole>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ready_is_503_while_another_connection_holds_the_database_exclusively_and_live_stays_200()
    {
        using var client = console.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready", Ct)).StatusCode);

        await using (await console.LockExclusivelyAsync())
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);
        }

        await WaitUntilReadyAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);
    }

    [Fact]
    public async Task Ready_is_503_while_the_usage_writers_last_commit_failed_and_200_again_once_it_commits()
    {
        var factory = console.Factory;
        var subject = await IngestionSubject.FindAsync(factory);
        using var api = IngestionClient.Create(factory);
        using var client = factory.CreateClient();
        // Every write of usage fails (at its hourly rollup), as on a full disk, while the database itself still takes other writes.
        await ExecuteAsync("CREATE TRIGGER test_usage_fails BEFORE INSERT ON UsageRollups BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;");
        try
        {
            var refused = await IngestionClient.PostAsync(api, subject.Event("ready-" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.AddMinutes(-1)));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);

            var ready = await client.GetAsync("/health/ready", Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var writer = JsonNode.Parse(await ready.Content.ReadAsStringAsync(Ct))!["checks"]!.AsArray().Single(c => (string?)c!["name"] == "usage-writer")!;
            Assert.Equal("Unhealthy", (string?)writer["status"]);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);
        }
        finally
        {
            await ExecuteAsync("DROP TRIGGER test_usage_fails;");
        }

        await WaitUntilReadyAsync(client);
        await IngestionClient.ResultAsync(await IngestionClient.PostAsync(api, subject.Event("ready-" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.AddMinutes(-1))));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = console.Factory.DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task WaitUntilReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpStatusCode status;
        while ((status = (await client.GetAsync("/health/ready", Ct)).StatusCode) != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, Ct);
        }
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
