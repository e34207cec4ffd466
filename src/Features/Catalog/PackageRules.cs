using System.Text.RegularExpressions;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Compute;

namespace TokenConsole.Features.Catalog;

/// <summary>A model as the designer needs it: status, compute costs and how its recent traffic splits input/output.</summary>
public sealed record ModelInfo(int Id, string Code, string Name, ModelStatus Status, decimal InputCostPerMTok, decimal OutputCostPerMTok,
    long RecentInputTokens, long RecentOutputTokens)
{
    public long RecentTokens => RecentInputTokens + RecentOutputTokens;
}

/// <summary>Validation messages by field name (e.g. <c>Code</c>, <c>Tiers[1].To</c>, <c>Entitlements</c>).</summary>
public sealed class PackageErrors : Dictionary<string, List<FieldMessage>>
{
    public void Add(string field, string key, params object[] args)
    {
        if (!TryGetValue(field, out var list))
        {
            this[field] = list = [];
        }
        list.Add(new FieldMessage(key, args));
    }

    public bool IsValid => Count == 0;
}

/// <summary>The rules a package must satisfy before it is saved, submitted or activated. Pure: the UI and the service share them.</summary>
public static partial class PackageValidator
{
    public const int MaxNameLength = 80;

    public static PackageErrors Validate(PackageForm form, IReadOnlyDictionary<int, ModelInfo> models, bool codeTaken)
    {
        var errors = new PackageErrors();
        var code = form.Code.Trim();
        if (code.Length == 0)
        {
            errors.Add("Code", "Enter a code.");
        }
        else if (!CodePattern().IsMatch(code))
        {
            errors.Add("Code", "Use 2–32 capital letters, digits and hyphens, starting with a letter (e.g. ENT-CS).");
        }
        else if (codeTaken)
        {
            errors.Add("Code", "Another package already uses this code.");
        }
        Name(errors, "NameEn", form.NameEn, "Enter the English name.");
        Name(errors, "NameZh", form.NameZh, "Enter the Chinese name.");
        if (form.Description.Length > 500)
        {
            errors.Add("Description", "Keep the description under 500 characters.");
        }
        if (form.Tags.Count == 0)
        {
            errors.Add("Tags", "Choose at least one scenario or industry.");
        }
        var maxDays = form.BillingPeriod switch { BillingPeriod.OneOff => 366, BillingPeriod.Monthly => 31, _ => 366 };
        if (form.ValidityDays < 1 || form.ValidityDays > maxDays)
        {
            errors.Add("ValidityDays", "Validity must be between 1 and {0} days for this billing period.", maxDays);
        }

        if (form.PriceCny <= 0)
        {
            errors.Add("PriceCny", "Enter a price above zero.");
        }
        if (form.IncludedTokens <= 0)
        {
            errors.Add("IncludedTokens", "Enter the number of included tokens.");
        }
        var unitPrice = form.UnitPricePerMTok;
        // Only a base package that charges on once its buckets are empty has an overage price (and tiers to price it):
        // a top-up pack is drawn from inside the base subscription's rules, and a stop-at-limit package has no overage.
        var charges = form.Kind == PackageKind.Base && form.WhenExhausted == ExhaustionPolicy.PayAsYouGo;
        if (!charges)
        {
            if (form.OveragePricePerMTok < 0)
            {
                errors.Add("OveragePricePerMTok", "Enter an overage price above zero.");
            }
            if (form.Tiers.Count > 0)
            {
                errors.Add("Tiers", "Tiers price the overage: a package that stops at its limit, or a top-up pack, has none.");
            }
        }
        else if (form.OveragePricePerMTok <= 0)
        {
            errors.Add("OveragePricePerMTok", "Enter an overage price above zero.");
        }
        else if (unitPrice > 0 && form.OveragePricePerMTok < Math.Round(unitPrice, 2))
        {
            errors.Add("OveragePricePerMTok", "The overage price must not be below the package's unit price (¥{0} per million tokens).", Math.Round(unitPrice, 2));
        }
        ValidateAllowance(form, errors);
        if (charges)
        {
            ValidateTiers(form, unitPrice, errors);
        }
        ValidateEntitlements(form, models, errors);

        if (form.ConcurrencyLimit < 1 || form.ConcurrencyLimit > 100_000)
        {
            errors.Add("ConcurrencyLimit", "Concurrency must be between 1 and 100,000 calls.");
        }
        if (form.TokensPerMinuteLimit < 1_000)
        {
            errors.Add("TokensPerMinuteLimit", "Allow at least 1,000 tokens per minute.");
        }
        if (form.SlaPercent < 90m || form.SlaPercent >= 100m)
        {
            errors.Add("SlaPercent", "The SLA must be at least 90% and below 100%.");
        }
        SixDecimals(errors, "PriceCny", form.PriceCny);
        SixDecimals(errors, "OveragePricePerMTok", form.OveragePricePerMTok);
        SixDecimals(errors, "SlaPercent", form.SlaPercent);
        for (var i = 0; i < form.Tiers.Count; i++)
        {
            SixDecimals(errors, $"Tiers[{i}].Price", form.Tiers[i].PricePerMTok);
        }
        for (var i = 0; i < form.Entitlements.Count; i++)
        {
            SixDecimals(errors, $"Entitlements[{i}].Multiplier", form.Entitlements[i].Multiplier);
        }
        return errors;
    }

    /// <summary>
    /// Rollover and the top-up pack's shape: a top-up pack (加油包) is N tokens for D days, sold once on top of a base
    /// subscription, so it is one-off, never rolls over, and its validity is what the buyer gets (1–366 days).
    /// </summary>
    private static void ValidateAllowance(PackageForm form, PackageErrors errors)
    {
        if (form.RolloverPercent is < 0 or > 100)
        {
            errors.Add("RolloverPercent", "Rollover is a percentage from 0 (none) to 100.");
        }
        else if (form.RolloverPercent > 0 && form.Kind == PackageKind.TopUp)
        {
            errors.Add("RolloverPercent", "A top-up pack does not roll over: its tokens are valid for its validity only.");
        }
        else if (form.RolloverPercent > 0 && form.BillingPeriod == BillingPeriod.OneOff)
        {
            errors.Add("RolloverPercent", "A one-off package has a single period: there is nothing to roll over into.");
        }
        if (form.Kind == PackageKind.TopUp && form.BillingPeriod != BillingPeriod.OneOff)
        {
            errors.Add("BillingPeriod", "A top-up pack is sold once: choose the one-off billing period.");
        }
    }

    /// <summary>Decimals are stored as integers of millionths: a value with more decimals would be changed, so it is refused.</summary>
    private static void SixDecimals(PackageErrors errors, string field, decimal value)
    {
        if (!errors.ContainsKey(field) && !Data.TokenConsoleDbContext.MillionthsConverter.Fits(value))
        {
            errors.Add(field, "At most six decimals.");
        }
    }

    private static void Name(PackageErrors errors, string field, string value, string missing)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, missing);
        }
        else if (value.Trim().Length > MaxNameLength)
        {
            errors.Add(field, "Keep the name under {0} characters.", MaxNameLength);
        }
    }

    /// <summary>
    /// Tiers price the overage: the first starts where the included tokens end, each starts where the previous one ends,
    /// ranges increase, and a higher tier never costs more than a lower one (nor less than the package's unit price).
    /// </summary>
    private static void ValidateTiers(PackageForm form, decimal unitPrice, PackageErrors errors)
    {
        for (var i = 0; i < form.Tiers.Count; i++)
        {
            var tier = form.Tiers[i];
            var last = i == form.Tiers.Count - 1;
            if (i == 0 && form.IncludedTokens > 0 && tier.FromTokens != form.IncludedTokens)
            {
                errors.Add($"Tiers[{i}].From", "The first tier starts where the included tokens end ({0}).", form.IncludedTokens.ToString("#,0", System.Globalization.CultureInfo.CurrentCulture));
            }
            if (i > 0 && form.Tiers[i - 1].ToTokens is { } previousEnd && tier.FromTokens != previousEnd)
            {
                errors.Add($"Tiers[{i}].From", "Tiers must be contiguous: this tier must start where the previous one ends.");
            }
            if (!last && tier.ToTokens is null)
            {
                errors.Add($"Tiers[{i}].To", "Only the last tier may be open-ended.");
            }
            if (tier.ToTokens is { } end && end <= tier.FromTokens)
            {
                errors.Add($"Tiers[{i}].To", "A tier must end above where it starts.");
            }
            if (tier.PricePerMTok <= 0)
            {
                errors.Add($"Tiers[{i}].Price", "Enter a price above zero.");
            }
            else if (i > 0 && tier.PricePerMTok > form.Tiers[i - 1].PricePerMTok)
            {
                errors.Add($"Tiers[{i}].Price", "A higher tier must not cost more per token than the one below it.");
            }
            else if (unitPrice > 0 && tier.PricePerMTok < Math.Round(unitPrice, 2))
            {
                errors.Add($"Tiers[{i}].Price", "A tier must not be priced below the package's unit price (¥{0} per million tokens).", Math.Round(unitPrice, 2));
            }
        }
    }

    private static void ValidateEntitlements(PackageForm form, IReadOnlyDictionary<int, ModelInfo> models, PackageErrors errors)
    {
        if (form.Entitlements.Count == 0)
        {
            errors.Add("Entitlements", "Entitle at least one model that is on sale.");
            return;
        }
        var seen = new HashSet<int>();
        for (var i = 0; i < form.Entitlements.Count; i++)
        {
            var entitlement = form.Entitlements[i];
            if (!models.TryGetValue(entitlement.ModelId, out var model))
            {
                errors.Add($"Entitlements[{i}].Model", "Choose a model.");
                continue;
            }
            if (!seen.Add(entitlement.ModelId))
            {
                errors.Add($"Entitlements[{i}].Model", "This model is already entitled.");
            }
            if (model.Status == ModelStatus.Withdrawn)
            {
                errors.Add($"Entitlements[{i}].Model", "This model has been withdrawn and cannot be sold.");
            }
            if (entitlement.Multiplier < 0.1m || entitlement.Multiplier > 10m)
            {
                errors.Add($"Entitlements[{i}].Multiplier", "The multiplier must be between 0.1 and 10.");
            }
        }
        if (!form.Entitlements.Any(e => models.TryGetValue(e.ModelId, out var m) && m.Status == ModelStatus.OnSale))
        {
            errors.Add("Entitlements", "Entitle at least one model that is on sale.");
        }
    }

    [GeneratedRegex("^[A-Z][A-Z0-9-]{1,31}$")]
    private static partial Regex CodePattern();
}
