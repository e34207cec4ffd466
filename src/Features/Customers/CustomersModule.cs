namespace TokenConsole.Features.Customers;

/// <summary>
/// Customers, their subscriptions (terms, allowance buckets, top-ups) and threshold notifications. Changes to
/// customers and subscriptions are published as <see cref="Data.ReferenceDataKind.Customer"/> and
/// <see cref="Data.ReferenceDataKind.Subscription"/> changes, which ingestion reloads.
/// </summary>
public static class CustomersModule
{
    public static void AddCustomers(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<SubscriptionOptions>(builder.Configuration.GetSection(SubscriptionOptions.Section));
        builder.Services.AddScoped<SubscriptionService>();
        builder.Services.AddScoped<OrderService>();
        builder.Services.AddSingleton<SubscriptionClock>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SubscriptionClock>());

        // Threshold notifications: the list, and the outbox delivered to the webhook (retries live in the table, so the
        // HTTP client itself does not retry).
        builder.Services.Configure<NotificationOptions>(builder.Configuration.GetSection(NotificationOptions.Section));
        builder.Services.AddHttpClient(OutboxDispatcher.HttpClientName);
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        builder.Services.AddScoped<NotificationListService>();
        builder.Services.AddScoped<CustomerService>();
        builder.Services.AddScoped<CustomerQueries>();
        builder.Services.AddSingleton<ICustomerSearch>(services => Data.DatabaseProviders.Of(services.GetRequiredService<IConfiguration>()) == Data.DatabaseProvider.PostgreSQL
            ? new PostgresCustomerSearch() : new SqliteCustomerSearch());
    }

    public static void MapCustomers(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapOrderEndpoints();
    }
}
