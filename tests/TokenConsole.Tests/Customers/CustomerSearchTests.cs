using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Customers;

namespace TokenConsole.Tests.Customers;

/// <summary>
/// The customer list's search (FTS5 trigram index kept by triggers, prefix indexes for short fragments), its filters and
/// its server-side paging, on the four seeded customers of <see cref="CustomersTestBed"/>.
/// </summary>
public sealed class CustomerSearchTests : IDisposable
{
    private readonly CustomersTestBed _bed = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public CustomerSearchTests() => _bed.SeedCustomers();

    public void Dispose() => _bed.Dispose();

    private async Task<IReadOnlyList<string>> CodesAsync(CustomerListFilter filter) =>
        [.. (await _bed.Queries.PageAsync(filter, CustomerSort.Code, false, 0, 25, Ct)).Rows.Select(r => r.Code)];

    [Theory]
    [InlineData("微众银行", "C-BANK")]        // Chinese, in the middle of the name
    [InlineData("大数据中心", "GOV-BJ")]
    [InlineData("数据科技有限", "C-DATA")]
    [InlineData("webank", "C-BANK")]         // Latin, in another case
    [InlineData("BIG DATA", "GOV-BJ")]
    [InlineData("hnology", "C-DATA")]        // Latin, inside a word
    [InlineData("v-bj", "GOV-BJ")]           // the code, in lower case
    public async Task A_fragment_of_three_characters_or_more_finds_the_customer_anywhere_in_code_name_or_Chinese_name(string fragment, string code)
    {
        Assert.Equal([code], await CodesAsync(new CustomerListFilter(Search: fragment)));
    }

    [Fact]
    public async Task A_fragment_matching_several_customers_finds_each_of_them()
    {
        // "Data" is in two English names (and one code), in no other.
        Assert.Equal(["C-DATA", "GOV-BJ"], await CodesAsync(new CustomerListFilter(Search: "data")));
    }

    [Theory]
    [InlineData("深圳", "C-BANK")]           // two Chinese characters: the start of the Chinese name
    [InlineData("北", "GOV-BJ")]
    [InlineData("gu", "C-DATA")]            // the start of the English name, any case
    [InlineData("c-", "C-BANK,C-DATA")]     // the start of the code
    public async Task A_fragment_shorter_than_a_trigram_matches_the_start_of_the_code_or_a_name(string fragment, string codes)
    {
        Assert.Equal(codes.Split(','), await CodesAsync(new CustomerListFilter(Search: fragment)));
    }

    [Fact]
    public async Task A_fragment_in_no_customer_finds_none_and_quotes_in_it_are_not_query_syntax()
    {
        Assert.Empty(await CodesAsync(new CustomerListFilter(Search: "招商银行")));
        Assert.Empty(await CodesAsync(new CustomerListFilter(Search: "\"bank\" OR data")));
    }

    [Fact]
    public async Task A_renamed_customer_is_found_by_its_new_name_and_no_longer_by_its_old_one()
    {
        await using (var db = _bed.Database.CreateDbContext())
        {
            var bank = await db.Customers.SingleAsync(c => c.Code == "C-BANK", Ct);
            bank.NameZh = "深圳招商科技";
            await db.SaveChangesAsync(Ct);
        }

        Assert.Equal(["C-BANK"], await CodesAsync(new CustomerListFilter(Search: "招商科技")));
        Assert.Empty(await CodesAsync(new CustomerListFilter(Search: "微众银行")));
    }

    [Fact]
    public async Task Each_filter_narrows_the_list()
    {
        Assert.Equal(["GOV-BJ"], await CodesAsync(new CustomerListFilter(Segment: CustomerSegment.Government)));
        Assert.Equal(["C-BANK", "C-DATA"], await CodesAsync(new CustomerListFilter(RegionCode: "CN-GD")));
        Assert.Equal(["C-BANK", "C-DATA", "OLD-1"], await CodesAsync(new CustomerListFilter(IndustryCode: "finance")));
        Assert.Equal(["C-BANK", "C-DATA", "GOV-BJ"], await CodesAsync(new CustomerListFilter(PackageId: _bed.PackageId)));
        Assert.Equal(["GOV-BJ"], await CodesAsync(new CustomerListFilter(AccountManagerId: "am-2")));
        Assert.Equal(["OLD-1"], await CodesAsync(new CustomerListFilter(Status: CustomerStatus.Closed)));
        Assert.Equal(["C-BANK", "GOV-BJ"], await CodesAsync(new CustomerListFilter(AllowanceNearLimit: true)));
        Assert.Equal(["GOV-BJ"], await CodesAsync(new CustomerListFilter(LimitReached: true)));
        Assert.Equal(["C-DATA"], await CodesAsync(new CustomerListFilter(Search: "广州", RegionCode: "CN-GD")));
    }

    [Fact]
    public async Task A_bucket_of_a_past_period_does_not_count_toward_the_limit_filters()
    {
        _bed.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));

        Assert.Empty(await CodesAsync(new CustomerListFilter(AllowanceNearLimit: true)));
    }

    [Fact]
    public async Task The_list_is_paged_and_sorted_in_the_database_with_names_packages_and_allowance_per_row()
    {
        var first = await _bed.Queries.PageAsync(new CustomerListFilter(), CustomerSort.Code, descending: true, page: 0, pageSize: 3, Ct);
        var second = await _bed.Queries.PageAsync(new CustomerListFilter(), CustomerSort.Code, descending: true, page: 1, pageSize: 3, Ct);

        Assert.Equal(4, first.Total);
        Assert.Equal(["OLD-1", "GOV-BJ", "C-DATA"], first.Rows.Select(r => r.Code));
        Assert.Equal(["C-BANK"], second.Rows.Select(r => r.Code));
        var bank = second.Rows[0];
        Assert.Equal(("Guangdong", "广东", "Finance", "金融", "Liu Yang"), (bank.RegionEn, bank.RegionZh, bank.IndustryEn, bank.IndustryZh, bank.AccountManager));
        Assert.Equal([("Business 100", "企业 100")], bank.Packages);
        Assert.Equal(85m, bank.AllowanceUsedPercent);
        Assert.False(first.Capped);
    }

    /// <summary>
    /// Adds <paramref name="count"/> customers BULK-0001… (英 Bulk Customer 0001…, 中 批量测试客户0001…), inserted from the
    /// highest code down, so their ids (the search index's order) run against their codes; odd numbers in Beijing.
    /// </summary>
    private async Task AddBulkAsync(int count)
    {
        await using var db = _bed.Database.CreateDbContext();
        for (var i = count; i >= 1; i--)
        {
            db.Customers.Add(new Customer
            {
                Code = $"BULK-{i:D4}", Name = $"Bulk Customer {i:D4}", NameZh = $"批量测试客户{i:D4}", Segment = CustomerSegment.Sme,
                IndustryCode = "finance", RegionCode = i % 2 == 1 ? "CN-BJ" : "CN-GD", CreatedAt = CustomersTestBed.Now,
            });
        }
        await db.SaveChangesAsync(Ct);
    }

    private Task<CustomerListPage> PageAsync(string search, int page, bool descending = false, string? region = null) =>
        _bed.Queries.PageAsync(new CustomerListFilter(Search: search, RegionCode: region), CustomerSort.Code, descending, page, 25, Ct);

    private static IEnumerable<string> Codes(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => $"BULK-{i:D4}");

    [Fact]
    public async Task A_fragment_matching_more_than_the_cap_takes_the_first_matches_in_index_order_and_pages_through_them_by_code()
    {
        await AddBulkAsync(ICustomerSearch.MaxMatches + 10);

        // The first 1,000 ids are BULK-1010 down to BULK-0011 (inserted from the top): the pages run through those by code.
        var first = await PageAsync("批量测试", 0);
        Assert.True(first.Capped);
        Assert.Equal(ICustomerSearch.MaxMatches, first.Total);
        Assert.Equal(Codes(11, 35), first.Rows.Select(r => r.Code));
        Assert.Equal(Codes(36, 60), (await PageAsync("批量测试", 1)).Rows.Select(r => r.Code));
        var last = await PageAsync("bulk customer", ICustomerSearch.MaxMatches / 25 - 1);
        Assert.Equal(Codes(986, 1010), last.Rows.Select(r => r.Code));
        Assert.True(last.Capped);
        Assert.Empty((await PageAsync("批量测试", ICustomerSearch.MaxMatches / 25)).Rows);
        Assert.Equal(Codes(986, 1010).Reverse(), (await PageAsync("批量测试", 0, descending: true)).Rows.Select(r => r.Code));
    }

    [Fact]
    public async Task Under_the_cap_the_count_is_exact_and_the_last_page_holds_the_rest()
    {
        await AddBulkAsync(ICustomerSearch.MaxMatches);

        var first = await PageAsync("批量测试", 0);
        Assert.False(first.Capped);
        Assert.Equal(ICustomerSearch.MaxMatches, first.Total);
        Assert.Equal(Codes(1, 25), first.Rows.Select(r => r.Code));
        Assert.Equal(Codes(976, 1000), (await PageAsync("批量测试", ICustomerSearch.MaxMatches / 25 - 1)).Rows.Select(r => r.Code));
        // One more customer than the cap: now capped, and the newest (the highest id, BULK-1001 here) is the one left out.
        await using (var db = _bed.Database.CreateDbContext())
        {
            db.Customers.Add(new Customer { Code = "BULK-1001", Name = "Bulk Customer 1001", NameZh = "批量测试客户1001", Segment = CustomerSegment.Sme, IndustryCode = "finance", RegionCode = "CN-GD", CreatedAt = CustomersTestBed.Now });
            await db.SaveChangesAsync(Ct);
        }
        var capped = await PageAsync("批量测试", ICustomerSearch.MaxMatches / 25 - 1);
        Assert.True(capped.Capped);
        Assert.Equal(ICustomerSearch.MaxMatches, capped.Total);
        Assert.Equal(Codes(976, 1000), capped.Rows.Select(r => r.Code));
    }

    [Fact]
    public async Task A_short_fragment_matching_more_than_the_cap_pages_through_one_set_of_the_cap_in_code_order()
    {
        await AddBulkAsync(ICustomerSearch.MaxMatches + 10);

        foreach (var fragment in new[] { "批量", "bu" })
        {
            var pages = new List<CustomerListPage>();
            for (var page = 0; page <= ICustomerSearch.MaxMatches / 25; page++)
            {
                pages.Add(await PageAsync(fragment, page));
            }
            Assert.All(pages, p => Assert.True(p.Capped));
            Assert.All(pages, p => Assert.Equal(ICustomerSearch.MaxMatches, p.Total));
            Assert.Empty(pages[^1].Rows);
            var codes = pages.SelectMany(p => p.Rows).Select(r => r.Code).ToList();
            // Page after page the same set, in code order, each customer once.
            Assert.Equal(ICustomerSearch.MaxMatches, codes.Count);
            Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
            Assert.Equal(codes.Count, codes.Distinct().Count());
            Assert.All(codes, c => Assert.StartsWith("BULK-", c, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_other_filters_narrow_the_capped_set()
    {
        await AddBulkAsync(ICustomerSearch.MaxMatches + 10);

        // Within BULK-0011…1010, the odd numbers are in Beijing: 500 of them, the first page from BULK-0011 by twos.
        var beijing = await PageAsync("批量测试", 0, region: "CN-BJ");
        Assert.True(beijing.Capped);
        Assert.Equal(ICustomerSearch.MaxMatches / 2, beijing.Total);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"BULK-{11 + 2 * i:D4}"), beijing.Rows.Select(r => r.Code));
    }
}
