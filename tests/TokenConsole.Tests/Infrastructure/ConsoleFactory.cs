using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenConsole.Data.Seeding;

namespace TokenConsole.Tests.Infrastructure;

/// <summary>
/// The whole application in process, on its own SQLite file in a temporary folder, with a small demo data set
/// (14 days, 500 customers) so that a test run seeds in about a second. Each host test class has its own
/// (<c>IClassFixture&lt;ConsoleFactory&gt;</c>), so that no class sees what another changed; the classes run in parallel.
/// </summary>
public sealed partial class ConsoleFactory : ConsoleApp
{
    public ConsoleFactory()
    {
        Settings["Demo:Days"] = "14";
        Settings["Demo:Customers"] = "500";
        Settings["Demo:CallsPerDay"] = "20000";
        Settings["Demo:EventHours"] = "6";
        Settings["Ingestion:ApiKeys:0"] = IngestionKey;
    }

    /// <summary>
    /// A console with a Microsoft Entra application configured (ids of no real tenant: the directory cannot be reached
    /// from these machines) and one day of demo data.
    /// </summary>
    public static ConsoleFactory InEntraMode()
    {
        var factory = new ConsoleFactory();
        factory.Settings["AzureAd:TenantId"] = "00000000-0000-0000-0000-000000000001";
        factory.Settings["AzureAd:ClientId"] = "00000000-0000-0000-0000-000000000002";
        factory.Settings["AzureAd:ClientSecret"] = "not-a-real-secret";
        factory.Settings["Demo:Days"] = "1";
        return factory;
    }

    /// <summary>An ingestion API key provisioned through configuration, as an operator would.</summary>
    public const string IngestionKey = "test-ingestion-key-0123456789";

    /// <summary>Everything the application logged at Warning or above, to check what it reports.</summary>
    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
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

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
