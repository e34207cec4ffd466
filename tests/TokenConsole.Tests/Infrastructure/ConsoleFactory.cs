using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenConsole.Data.Seeding;

namespace TokenConsole.Tests.Infrastructure;

/// <summary>
/// The whole application in process, on its own SQLite file in a temporary folder, with a small demo data set
/// (14 days, 500 customers) so that a test run seeds in about a second.
/// </summary>
public sealed partial class ConsoleFactory : WebApplicationFactory<Program>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tokenconsole-tests-").FullName;

    public string DatabasePath => Path.Combine(_folder, "tokenconsole.db");

    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Demo:Days"] = "14",
        ["Demo:Customers"] = "500",
        ["Demo:CallsPerDay"] = "20000",
        ["Demo:EventHours"] = "6",
        ["Ingestion:ApiKeys:0"] = IngestionKey,
    };

    /// <summary>An ingestion API key provisioned through configuration, as an operator would.</summary>
    public const string IngestionKey = "test-ingestion-key-0123456789";

    /// <summary>Everything the application logged at Warning or above, to check what it reports.</summary>
    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.UseSetting("ConnectionStrings:TokenConsole", $"Data Source={DatabasePath}");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public string DemoPassword => Services.GetRequiredService<IOptions<DemoOptions>>().Value.Password;

    /// <summary>A client that keeps cookies and does not follow redirects, so tests see each 302.</summary>
    public HttpClient CreateBrowserLikeClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>Posts the sign-in form as a browser would (antiforgery token included) and returns the response.</summary>
    public static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string userName, string password, string returnUrl = "/")
    {
        var form = await client.GetStringAsync($"/account/login?returnUrl={Uri.EscapeDataString(returnUrl)}", TestContext.Current.CancellationToken);
        var token = AntiforgeryField().Match(form).Groups[1].Value;
        var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        });
        return await client.PostAsync($"/account/login?returnUrl={Uri.EscapeDataString(returnUrl)}", content, TestContext.Current.CancellationToken);
    }

    public async Task<HttpClient> SignedInClientAsync(string userName)
    {
        var client = CreateBrowserLikeClient();
        var response = await PostSignInAsync(client, userName, DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown stays in the temp folder; it is not worth failing a test for.
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

/// <summary>One application shared by the host tests of a collection: seeding it once keeps the suite quick.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFactory>
{
    public const string Name = "console";
}
