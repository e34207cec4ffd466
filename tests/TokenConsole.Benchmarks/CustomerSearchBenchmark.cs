using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Features.Customers;

namespace TokenConsole.Benchmarks;

/// <summary>
/// The customer list's search over <c>N</c> customers (default 1,000,000) through the console's own CustomerQueries (the
/// FTS5 trigram index, the first page of 25 sorted by code, and the count): fragments of three or more characters taken
/// from random customers' Chinese and English names, and two-character prefixes. Target (issue 13): p95 ≤ 100 ms.
/// </summary>
internal static class CustomerSearchBenchmark
{
    private static readonly string[] Cities = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆", "苏州", "天津", "长沙", "郑州", "青岛", "合肥"];
    private static readonly string[] Cores = ["华信", "联创", "智远", "云图", "星河", "鼎盛", "恒通", "瑞达", "博奥", "中科", "天成", "宏图", "金桥", "安泰", "新元", "海纳", "卓越", "明德", "众合", "东方"];
    private static readonly string[] Trades = ["科技", "数据", "信息", "智能", "网络", "软件", "金融", "医疗", "教育", "物流", "能源", "制造"];
    private static readonly string[] Forms = ["有限公司", "股份有限公司", "集团", "研究院", "中心"];
    private static readonly string[] Words = ["Beijing", "Shanghai", "Guangzhou", "Shenzhen", "Hangzhou", "Chengdu", "Wuhan", "Nanjing", "Huaxin", "Lianchuang", "Zhiyuan", "Yuntu",
        "Xinghe", "Dingsheng", "Hengtong", "Ruida", "Boao", "Zhongke", "Tiancheng", "Hongtu", "Jinqiao", "Antai", "Xinyuan", "Haina"];
    private static readonly string[] EnTrades = ["Technology", "Data", "Information", "Intelligence", "Network", "Software", "Finance", "Health", "Education", "Logistics", "Energy", "Manufacturing"];

    /// <param name="customers">How many customers the database holds.</param>
    /// <param name="keep">A database file to keep: made on the first run, reused by the next ones (filling 1,000,000 customers takes
    /// minutes), so runs before and after a change read the same file. Null: a temporary file, deleted after the run.</param>
    public static async Task RunAsync(int customers, string? keep = null)
    {
        var folder = keep is null ? Directory.CreateTempSubdirectory("tokenconsole-customers-").FullName : null;
        var file = keep ?? Path.Combine(folder!, "customers.db");
        var reuse = File.Exists(file);
        var connection = $"Data Source={file}";
        var options = new DbContextOptionsBuilder<TokenConsoleDbContext>().UseSqlite(connection).Options;
        try
        {
            await using (var db = new TokenConsoleDbContext(options))
            {
                await db.Database.MigrateAsync();
                await DatabaseInitializer.SeedReferenceDataAsync(db, CancellationToken.None);
            }
            var generation = Stopwatch.StartNew();
            var names = Generate(reuse ? null : connection, customers);
            Console.WriteLine(reuse
                ? string.Create(CultureInfo.InvariantCulture, $"reused {file} ({customers:N0} customers)")
                : string.Create(CultureInfo.InvariantCulture, $"generated {customers:N0} customers (the search index filled by the triggers) in {generation.Elapsed.TotalSeconds:0} s"));

            var queries = new CustomerQueries(new Factory(options), new SqliteCustomerSearch(), new FakeTimeProvider(DateTimeOffset.UtcNow));
            var random = new Random(13);
            string Pick(Func<(string En, string Zh), string> name, int length)
            {
                var text = name(names[random.Next(names.Count)]);
                return text.Substring(random.Next(text.Length - length + 1), length);
            }
            Console.WriteLine($"Customer search, first page of 25 by code with the total, {customers:N0} customers");
            Console.WriteLine("| fragment | p50 | p95 | runs | matches (median) |");
            Console.WriteLine("|---|---|---|---|---|");
            Report("Chinese, 3 characters from a random name", Measure(queries, 60, () => Pick(n => n.Zh, 3)));
            Report("Chinese, 4 characters from a random name", Measure(queries, 60, () => Pick(n => n.Zh, 4)));
            Report("Latin, 5 letters from a random name", Measure(queries, 60, () => Pick(n => n.En, 5)));
            Report("code fragment, 5 characters", Measure(queries, 60, () => $"C{random.Next(customers):D7}"[1..6]));
            Report("Chinese, 2 characters (prefix)", Measure(queries, 60, () => Cities[random.Next(Cities.Length)]));
            Console.WriteLine("target: p95 ≤ 100 ms for a name fragment");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (folder is not null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static void Report(string what, (List<double> Times, List<int> Matches) r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {what} | {P(r.Times, 0.5):0.0} ms | {P(r.Times, 0.95):0.0} ms | {r.Times.Count} | {r.Matches.Order().ElementAt(r.Matches.Count / 2):N0} |"));

    private static (List<double>, List<int>) Measure(CustomerQueries queries, int runs, Func<string> fragment)
    {
        var times = new List<double>();
        var matches = new List<int>();
        for (var i = 0; i < runs + 5; i++)
        {
            var search = fragment();
            var watch = Stopwatch.StartNew();
            var page = queries.PageAsync(new CustomerListFilter(Search: search), CustomerSort.Code, false, 0, 25).GetAwaiter().GetResult();
            watch.Stop();
            if (i >= 5)
            {
                // The first runs warm the page cache and EF's query cache, as a running console's would be.
                times.Add(watch.Elapsed.TotalMilliseconds);
                matches.Add(page.Total);
            }
        }
        return (times, matches);
    }

    private static double P(List<double> times, double p) => times.Order().ElementAt((int)Math.Min(times.Count - 1, Math.Ceiling(p * times.Count) - 1));

    /// <summary>The customers' names (the same for the same count, from a fixed seed), inserted when <paramref name="connectionString"/> is given.</summary>
    private static List<(string En, string Zh)> Generate(string? connectionString, int count)
    {
        var random = new Random(20261202);
        var names = new List<(string, string)>(count);
        if (connectionString is null)
        {
            for (var i = 0; i < count; i++)
            {
                names.Add(Name(random));
            }
            return names;
        }
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO Customers (Code, Name, NameZh, Segment, IndustryCode, RegionCode, CreatedAt, Status, Version)
            VALUES ($code, $name, $zh, 'LargeEnterprise', 'finance', 'CN-GD', 0, 'Active', 0)
            """;
        var code = insert.Parameters.Add("$code", SqliteType.Text);
        var name = insert.Parameters.Add("$name", SqliteType.Text);
        var zh = insert.Parameters.Add("$zh", SqliteType.Text);
        for (var i = 0; i < count; i++)
        {
            var (english, chinese) = Name(random);
            code.Value = $"C{i:D7}";
            name.Value = english;
            zh.Value = chinese;
            insert.ExecuteNonQuery();
            names.Add((english, chinese));
        }
        transaction.Commit();
        return names;
    }

    private static (string En, string Zh) Name(Random random)
    {
        var (city, core, trade, form) = (random.Next(Cities.Length), random.Next(Cores.Length), random.Next(Trades.Length), random.Next(Forms.Length));
        var second = random.Next(Cores.Length);
        var chinese = $"{Cities[city]}{Cores[core]}{Cores[second]}{Trades[trade]}{Forms[form]}";
        var english = $"{Words[city % Words.Length]} {Words[(core + 8) % Words.Length]}{Words[(second + 3) % Words.Length].ToLowerInvariant()} {EnTrades[trade]} Co";
        return (english, chinese);
    }

    private sealed class Factory(DbContextOptions<TokenConsoleDbContext> options) : IDbContextFactory<TokenConsoleDbContext>
    {
        public TokenConsoleDbContext CreateDbContext() => new(options);
    }
}
