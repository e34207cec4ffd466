namespace TokenConsole.Data.Seeding;

/// <summary>Demo mode (<c>Demo</c> section): seeded users of each role and a generated data set.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; } = true;
    /// <summary>Password of the four demo users; shown on the sign-in page while demo mode is on.</summary>
    public string Password { get; set; } = "";
    /// <summary>Seed of the random generator: the same seed gives the same data set.</summary>
    public int Seed { get; set; } = 20261128;
    public int Days { get; set; } = 90;
    public int Customers { get; set; } = 2000;
    /// <summary>The most recent hours are stored as individual usage events; older ones only as rollups.</summary>
    /// <remarks>12: the events serve the writer's duplicate check and nothing on a page; each hour of them cost ~0.1 s of first start.</remarks>
    public int EventHours { get; set; } = 12;
    /// <summary>Calls per day at the end of the period; the series grows towards it.</summary>
    public int CallsPerDay { get; set; } = 400_000;
}
