using System.Text.RegularExpressions;

namespace TokenConsole.Features.Compute;

/// <summary>
/// Field errors of a compute form: field name → English resource key. The dialogs show them next to the fields while the
/// person types, and <see cref="ComputeEditService"/> runs the same checks again before saving.
/// </summary>
public sealed class FieldErrors : Dictionary<string, string>
{
    public bool IsValid => Count == 0;
    public string? Of(string field) => TryGetValue(field, out var key) ? key : null;
}

public static partial class ComputeRules
{
    public const int MaxContextWindow = 10_000_000;
    public const decimal MaxCostPerMTok = 10_000m;
    public const long MaxPoolCapacity = 1_000_000_000;
    public const int MaxRoutingWeight = 1_000;

    /// <summary>Model and pool codes as the demo data and the usage API use them: lower-case, e.g. <c>deepseek-v3</c>, <c>gd-shaoguan</c>.</summary>
    public static bool IsCode(string? code) => code is not null && CodePattern().IsMatch(code);

    [GeneratedRegex("^[a-z0-9][a-z0-9.\\-_]{1,47}$")]
    private static partial Regex CodePattern();

    /// <summary>A decimal is stored as an integer of millionths: more decimals would be changed, so they are refused.</summary>
    internal static void SixDecimals(FieldErrors errors, string field, decimal value)
    {
        if (!errors.ContainsKey(field) && !Data.TokenConsoleDbContext.MillionthsConverter.Fits(value))
        {
            errors[field] = "At most six decimals.";
        }
    }

    internal static void Text(FieldErrors errors, string field, string? value, int max = 80)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = "Required";
        }
        else if (value.Trim().Length > max)
        {
            errors[field] = "Too long.";
        }
    }
}

public sealed class ModelForm
{
    public int? Id { get; set; }
    public uint Version { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string Vendor { get; set; } = "";
    public string Family { get; set; } = "";
    public Modality Modality { get; set; }
    public int ContextWindow { get; set; } = 32_000;
    public ModelStatus Status { get; set; } = ModelStatus.Preview;
    public decimal InputCostPerMTok { get; set; }
    public decimal OutputCostPerMTok { get; set; }

    public static ModelForm From(AiModel m) => new()
    {
        Id = m.Id, Version = m.Version, Code = m.Code, Name = m.Name, Vendor = m.Vendor, Family = m.Family, Modality = m.Modality,
        ContextWindow = m.ContextWindow, Status = m.Status, InputCostPerMTok = m.InputCostPerMTok, OutputCostPerMTok = m.OutputCostPerMTok,
    };

    public FieldErrors Validate()
    {
        var errors = new FieldErrors();
        if (!ComputeRules.IsCode(Code?.Trim()))
        {
            errors["code"] = "Use 2–48 lower-case letters, digits, dots, hyphens or underscores (e.g. deepseek-v3).";
        }
        ComputeRules.Text(errors, "name", Name);
        ComputeRules.Text(errors, "vendor", Vendor);
        ComputeRules.Text(errors, "family", Family);
        if (ContextWindow < 1_000 || ContextWindow > ComputeRules.MaxContextWindow)
        {
            errors["context"] = "Between 1,000 and 10,000,000 tokens.";
        }
        if (InputCostPerMTok < 0 || InputCostPerMTok > ComputeRules.MaxCostPerMTok)
        {
            errors["input-cost"] = "Between 0 and 10,000 CNY.";
        }
        if (OutputCostPerMTok < 0 || OutputCostPerMTok > ComputeRules.MaxCostPerMTok)
        {
            errors["output-cost"] = "Between 0 and 10,000 CNY.";
        }
        ComputeRules.SixDecimals(errors, "input-cost", InputCostPerMTok);
        ComputeRules.SixDecimals(errors, "output-cost", OutputCostPerMTok);
        return errors;
    }
}

public sealed class PoolForm
{
    public int? Id { get; set; }
    public uint Version { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string NameZh { get; set; } = "";
    public string RegionCode { get; set; } = "";
    public PoolTier Tier { get; set; } = PoolTier.Regional;
    public string AcceleratorKind { get; set; } = "";
    public int AcceleratorCount { get; set; } = 8;
    public long CapacityTokensPerSecond { get; set; } = 1_000;
    public decimal CostPerHour { get; set; }

    public static PoolForm From(ComputePool p) => new()
    {
        Id = p.Id, Version = p.Version, Code = p.Code, Name = p.Name, NameZh = p.NameZh, RegionCode = p.RegionCode, Tier = p.Tier,
        AcceleratorKind = p.AcceleratorKind, AcceleratorCount = p.AcceleratorCount, CapacityTokensPerSecond = p.CapacityTokensPerSecond, CostPerHour = p.CostPerHour,
    };

    /// <param name="regions">The 31 region codes.</param>
    /// <param name="allocated">Tokens/s already allocated on the pool (0 for a new one).</param>
    public FieldErrors Validate(IReadOnlyCollection<string> regions, long allocated)
    {
        var errors = new FieldErrors();
        if (!ComputeRules.IsCode(Code?.Trim()))
        {
            errors["code"] = "Use 2–48 lower-case letters, digits, dots, hyphens or underscores (e.g. gd-shaoguan).";
        }
        ComputeRules.Text(errors, "name", Name, 120);
        ComputeRules.Text(errors, "name-zh", NameZh, 120);
        if (!regions.Contains(RegionCode))
        {
            errors["region"] = "Choose a region.";
        }
        ComputeRules.Text(errors, "accelerator", AcceleratorKind, 40);
        if (AcceleratorCount < 1 || AcceleratorCount > 100_000)
        {
            errors["accelerator-count"] = "Between 1 and 100,000.";
        }
        if (CapacityTokensPerSecond < 1 || CapacityTokensPerSecond > ComputeRules.MaxPoolCapacity)
        {
            errors["capacity"] = "Between 1 and 1,000,000,000 tokens/s.";
        }
        else if (CapacityTokensPerSecond < allocated)
        {
            errors["capacity"] = "The capacity cannot be lower than what is allocated on the pool ({0} tokens/s): reduce the deployments first.";
        }
        if (CostPerHour < 0 || CostPerHour > 1_000_000m)
        {
            errors["cost"] = "Between 0 and 1,000,000 CNY.";
        }
        ComputeRules.SixDecimals(errors, "cost", CostPerHour);
        return errors;
    }
}

public sealed class DeploymentForm
{
    public int? Id { get; set; }
    public uint Version { get; set; }
    public int ModelId { get; set; }
    public int PoolId { get; set; }
    public long AllocatedTokensPerSecond { get; set; }
    public int RoutingWeight { get; set; } = 50;
    public DeploymentRole Role { get; set; } = DeploymentRole.Primary;
    public IReadOnlyCollection<string> ResidencyRegions { get; set; } = [];

    public static DeploymentForm From(Deployment d) => new()
    {
        Id = d.Id, Version = d.Version, ModelId = d.ModelId, PoolId = d.PoolId, AllocatedTokensPerSecond = d.AllocatedTokensPerSecond,
        RoutingWeight = d.RoutingWeight, Role = d.Role, ResidencyRegions = ComputeEditService.SplitRegions(d.ResidencyRegions),
    };

    /// <param name="free">Tokens/s of the pool not allocated to the other deployments on it.</param>
    public FieldErrors Validate(long free, IReadOnlyCollection<string> regions)
    {
        var errors = new FieldErrors();
        if (AllocatedTokensPerSecond < 1)
        {
            errors["allocated"] = "Allocate at least 1 token/s.";
        }
        else if (AllocatedTokensPerSecond > free)
        {
            errors["allocated"] = "Over the pool's capacity: only {0} tokens/s are free on this pool.";
        }
        if (RoutingWeight < 1 || RoutingWeight > ComputeRules.MaxRoutingWeight)
        {
            errors["weight"] = "Between 1 and 1,000.";
        }
        if (ResidencyRegions.Any(r => !regions.Contains(r)))
        {
            errors["residency"] = "Choose a region.";
        }
        return errors;
    }
}
