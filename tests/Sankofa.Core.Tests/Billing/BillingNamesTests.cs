using Sankofa.Core.Billing;

namespace Sankofa.Core.Tests.Billing;

/// <summary>Amounts typed by people become minor units exactly, and only when they are amounts in the currency.</summary>
public sealed class BillingNamesTests
{
    [Theory]
    [InlineData("84.98", 2, 8498L)]
    [InlineData("84.9", 2, 8490L)]
    [InlineData("84", 2, 8400L)]
    [InlineData(" 0.01 ", 2, 1L)]
    [InlineData(".5", 2, 50L)]
    [InlineData("-8.21", 2, -821L)]
    [InlineData("1500", 0, 1500L)]
    [InlineData("0.1234", 4, 1234L)]
    [InlineData("92233720368547758.07", 2, long.MaxValue)]
    public void A_decimal_amount_is_read_into_minor_units_digit_by_digit(string text, int minorDigits, long minor)
    {
        Assert.Equal(minor, BillingNames.ParseAmount(text, minorDigits));
        Assert.Equal(minor, BillingNames.ParseAmount(BillingNames.Amount(minor, minorDigits), minorDigits)); // what the pages write reads back
    }

    [Theory]
    [InlineData(null, 2)]
    [InlineData("", 2)]
    [InlineData(".", 2)]
    [InlineData("12.", 2)]
    [InlineData("12.345", 2)] // more digits than the currency has: refused, never rounded
    [InlineData("12.5", 0)]
    [InlineData("1,000.00", 2)]
    [InlineData("1e3", 2)]
    [InlineData("+5", 2)]
    [InlineData("12.3.4", 2)]
    [InlineData("92233720368547758.08", 2)] // one minor unit past long.MaxValue
    public void Anything_else_is_not_an_amount(string? text, int minorDigits) => Assert.Null(BillingNames.ParseAmount(text, minorDigits));
}
