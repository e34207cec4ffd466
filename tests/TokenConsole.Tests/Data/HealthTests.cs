using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenConsole.Data;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Data;

public sealed class HealthTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    [Fact]
    public async Task Health_answers_200_without_signing_in_when_the_database_is_reachable()
    {
        using var client = factory.CreateBrowserLikeClient();
        var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
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
