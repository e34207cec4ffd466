using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace TokenConsole.Testing;

/// <summary>
/// The whole application in process on its own SQLite file in a temporary folder (or PostgreSQL database, on that pass), configured through
/// <see cref="Settings"/> (set them before the first request or <see cref="StartOnLoopback"/>). In memory by default
/// (<c>CreateClient</c>); <see cref="StartOnLoopback"/> serves it on a real loopback port for a browser.
/// </summary>
public class ConsoleApp : WebApplicationFactory<Program>
{
    private readonly TempFolder _folder = new("tokenconsole-app-");
    // On the PostgreSQL pass (TestProvider) a database of its own on the test server instead of the file.
    private readonly PostgresTestDatabase? _postgres = TestProvider.IsPostgreSQL ? new PostgresTestDatabase() : null;

    /// <summary>The SQLite file (on the SQLite pass; the tests of SQLite's own storage open it).</summary>
    public string DatabasePath => _folder.File("tokenconsole.db");

    /// <summary>What the app is configured with: the SQLite file's, or the PostgreSQL test database's.</summary>
    public string ConnectionString => _postgres?.ConnectionString ?? $"Data Source={DatabasePath}";

    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>The loopback address after <see cref="StartOnLoopback"/> (with <c>localhost</c> as the host).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Starts Kestrel on a free loopback port and returns its address.</summary>
    public string StartOnLoopback()
    {
        UseKestrel(0);
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First().Replace("[::1]", "localhost", StringComparison.Ordinal).Replace("127.0.0.1", "localhost", StringComparison.Ordinal).TrimEnd('/');
        return BaseUrl;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSetting("ConnectionStrings:TokenConsole", ConnectionString);
        if (_postgres is not null)
        {
            builder.UseSetting(TokenConsole.Data.DatabaseProviders.Setting, nameof(TokenConsole.Data.DatabaseProvider.PostgreSQL));
        }
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _postgres?.Dispose();
            _folder.Dispose();
        }
    }
}
