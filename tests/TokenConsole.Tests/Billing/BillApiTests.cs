using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Data;
using TokenConsole.Features.Billing;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Billing;

/// <summary>The bills API (TMF678 CustomerBill shape, API key), the CSV and the bill page, on the whole app in process.</summary>
public sealed class BillApiTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    // A month the demo data does not reach, billed on purpose with fees of ¥10.00 a day for 30 days: ¥300.00.
    private static readonly BillMonth June = new(2026, 6);

    private async Task<(long Id, string Code)> BillAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var db = factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContext())
        {
            var customer = await db.Customers.OrderBy(c => c.Id).FirstAsync(ct);
            if (await db.Bills.FirstOrDefaultAsync(b => b.Period == June.Period && b.CustomerId == customer.Id, ct) is { } existing)
            {
                return (existing.Id, customer.Code);
            }
            var packageId = await db.Packages.OrderBy(p => p.Id).Select(p => p.Id).FirstAsync(ct);
            db.RevenueDaily.AddRange(Enumerable.Range(0, 30).Select(d => new RevenueDaily
            {
                Day = June.StartUtc.AddDays(d), CustomerId = customer.Id, PackageId = packageId, RegionCode = customer.RegionCode, IndustryCode = customer.IndustryCode,
                FeeMicros = 10_000_000,
            }).ToList());
            await db.SaveChangesAsync(ct);
        }
        await factory.Services.GetRequiredService<BillRunService>().RunAsSystemAsync(June, cancellationToken: ct);
        await using var read = factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContext();
        // The demo data's fees may reach back into June for other customers: this test's bill is the first customer's.
        var firstCustomer = await read.Customers.OrderBy(c => c.Id).Select(c => c.Id).FirstAsync(ct);
        var bill = await read.Bills.SingleAsync(b => b.Period == June.Period && b.CustomerId == firstCustomer, ct);
        var code = await read.Customers.Where(c => c.Id == bill.CustomerId).Select(c => c.Code).SingleAsync(ct);
        return (bill.Id, code);
    }

    private HttpClient ApiClient()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ConsoleFactory.IngestionKey);
        return client;
    }

    [Fact]
    public async Task A_bill_is_a_TMF678_customer_bill_with_amounts_in_yuan_to_the_fen_its_VAT_and_its_lines()
    {
        var ct = TestContext.Current.CancellationToken;
        var (id, code) = await BillAsync();

        var response = await ApiClient().GetAsync($"/api/v1/bills/{id}", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(ct);
        var bill = JsonDocument.Parse(text).RootElement;
        Assert.Equal($"TC-202606-{code}", bill.GetProperty("billNo").GetString());
        Assert.EndsWith($"/api/v1/bills/{id}", bill.GetProperty("href").GetString());
        Assert.Equal("2026-06-01T00:00:00+08:00", bill.GetProperty("billingPeriod").GetProperty("startDateTime").GetString());
        Assert.Equal("2026-07-01T00:00:00+08:00", bill.GetProperty("billingPeriod").GetProperty("endDateTime").GetString());
        Assert.Contains("\"amountDue\":{\"unit\":\"CNY\",\"value\":300.00}", text);
        // ¥300.00 tax-inclusive: VAT 300 × 0.06 / 1.06 = 16.98, before tax 283.02.
        Assert.Contains("\"taxExcludedAmount\":{\"unit\":\"CNY\",\"value\":283.02}", text);
        var tax = bill.GetProperty("taxItem")[0];
        Assert.Equal(("VAT", 0.06m, 16.98m), (tax.GetProperty("taxCategory").GetString(), tax.GetProperty("taxRate").GetDecimal(), tax.GetProperty("taxAmount").GetProperty("value").GetDecimal()));
        var line = Assert.Single(bill.GetProperty("appliedBillingRate").EnumerateArray());
        Assert.Equal(("Fee", 30m, 300.00m), (line.GetProperty("type").GetString(), line.GetProperty("quantity").GetDecimal(), line.GetProperty("taxIncludedAmount").GetProperty("value").GetDecimal()));
        Assert.StartsWith("Fee: ", line.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_customers_bills_are_listed_newest_first_and_unknown_ones_or_no_key_get_a_problem()
    {
        var ct = TestContext.Current.CancellationToken;
        var (id, code) = await BillAsync();
        var api = ApiClient();

        var list = await api.GetAsync($"/api/v1/customers/{code}/bills?limit=100", ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var ids = JsonDocument.Parse(await list.Content.ReadAsStringAsync(ct)).RootElement.EnumerateArray().Select(b => b.GetProperty("id").GetString()).ToList();
        Assert.Contains(id.ToString(System.Globalization.CultureInfo.InvariantCulture), ids);
        Assert.True(int.Parse(list.Headers.GetValues("X-Total-Count").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);

        foreach (var (url, status) in new[] { ("/api/v1/bills/999999999", HttpStatusCode.NotFound), ("/api/v1/bills/abc", HttpStatusCode.NotFound),
            ("/api/v1/customers/NOPE-0/bills", HttpStatusCode.NotFound), ($"/api/v1/customers/{code}/bills?limit=0", HttpStatusCode.BadRequest) })
        {
            var response = await api.GetAsync(url, ct);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        var anonymous = await factory.CreateClient().GetAsync($"/api/v1/bills/{id}", ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task A_signed_in_person_downloads_the_bill_as_CSV_with_the_Chinese_totals_and_reads_it_on_its_page()
    {
        var ct = TestContext.Current.CancellationToken;
        var (id, _) = await BillAsync();
        var client = await factory.SignedInClientAsync("admin");

        var csv = await client.GetAsync($"/bills/{id}.csv", ct);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var text = await csv.Content.ReadAsStringAsync(ct);
        Assert.Contains("价税合计", text);
        Assert.Contains("Total 价税合计,300.00", text);
        Assert.Contains("VAT 税额 (6 %),16.98", text);

        var page = await client.GetStringAsync($"/bills/{id}", ct);
        Assert.Contains("TC-202606-", page);
        Assert.Contains("&#xA5;16.98", page); // ¥, as the HTML encoder writes it
        Assert.Contains("&#xA5;283.02", page);
        Assert.Contains("VAT (6 %)", page);
        Assert.NotEqual(HttpStatusCode.OK, (await factory.CreateBrowserLikeClient().GetAsync($"/bills/{id}.csv", ct)).StatusCode);
    }
}
