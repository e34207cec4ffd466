using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Features.Customers;

namespace TokenConsole.Tests.Customers;

/// <summary>The customer page compares this period's usage with the period of the same length before it.</summary>
public sealed class UsageComparisonTests : IDisposable
{
    private readonly SubscriptionTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task An_annual_subscription_is_compared_with_the_year_before_not_with_a_month()
    {
        await _bed.SubscribedAsync("ENT-Y");
        var usage = (await DetailsAsync("ACME")).Usage;
        // The year from 20 November 2026 (Beijing), against 20 November 2025 to 20 November 2026.
        Assert.Equal(new DateTime(2026, 11, 19, 16, 0, 0, DateTimeKind.Utc), usage.Current.Start);
        Assert.Equal(new DateTime(2027, 11, 19, 16, 0, 0, DateTimeKind.Utc), usage.Current.End);
        Assert.Equal(new BillingPeriodSpan(new DateTime(2025, 11, 19, 16, 0, 0, DateTimeKind.Utc), usage.Current.Start), usage.Previous);
    }

    [Fact]
    public async Task A_monthly_subscription_is_compared_with_the_month_before()
    {
        await _bed.SubscribedAsync("ENT-S");
        var usage = (await DetailsAsync("ACME")).Usage;
        Assert.Equal(new BillingPeriodSpan(new DateTime(2026, 10, 19, 16, 0, 0, DateTimeKind.Utc), usage.Current.Start), usage.Previous);
    }

    [Fact]
    public void A_period_counted_in_days_is_compared_with_as_many_days_before()
    {
        var start = new DateTime(2026, 11, 19, 16, 0, 0, DateTimeKind.Utc);
        var sevenDays = new BillingPeriodSpan(start, start.AddDays(7));
        Assert.Equal(new BillingPeriodSpan(start.AddDays(-7), start), CustomerQueries.PeriodBefore(sevenDays));
    }

    private async Task<CustomerDetails> DetailsAsync(string code) =>
        (await _bed.Services.GetRequiredService<CustomerQueries>().DetailsAsync(code, TestContext.Current.CancellationToken))!;
}
