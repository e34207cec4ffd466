using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Compute;

/// <summary>The capacity page through the whole application: signed-in people only, every role may read it.</summary>
public sealed class CapacityHostTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_anonymous_request_for_the_capacity_page_is_sent_to_sign_in()
    {
        using var client = factory.CreateBrowserLikeClient();
        var response = await client.GetAsync("/compute/capacity", Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("ReturnUrl=%2Fcompute%2Fcapacity", response.Headers.Location.Query, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pm")]
    [InlineData("ops")]
    [InlineData("exec")]
    [InlineData("admin")]
    public async Task Every_role_reads_the_capacity_of_the_seeded_pools_and_models_with_the_alert_bell(string user)
    {
        using var client = await factory.SignedInClientAsync(user);
        var response = await client.GetAsync("/compute/capacity", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("data-testid=\"capacity-pools\"", html, StringComparison.Ordinal);
        Assert.Contains("nm-horinger", html, StringComparison.Ordinal);
        Assert.Contains("DeepSeek-R1", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"alert-bell\"", html, StringComparison.Ordinal);
    }
}

/// <summary>The threshold comes from configuration; a meaningless one stops the start rather than flag everything.</summary>
public sealed class CapacityOptionsTests
{
    [Fact]
    public void The_oversubscription_threshold_is_read_from_configuration_and_must_be_positive()
    {
        using (var factory = new ConsoleFactory())
        {
            factory.Settings["Compute:OversubscriptionThreshold"] = "7.5";
            using var scope = factory.Services.CreateScope();
            Assert.Equal(7.5, scope.ServiceProvider.GetRequiredService<TokenConsole.Features.Compute.CapacityService>().Threshold);
        }
        using var invalid = new ConsoleFactory();
        invalid.Settings["Compute:OversubscriptionThreshold"] = "0";
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => invalid.Services);
        Assert.Contains("Compute:OversubscriptionThreshold", error.Message, StringComparison.Ordinal);
    }
}
