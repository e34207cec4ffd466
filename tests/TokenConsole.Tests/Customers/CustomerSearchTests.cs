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
}
