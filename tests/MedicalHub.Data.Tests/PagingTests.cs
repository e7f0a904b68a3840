namespace MedicalHub.Data.Tests;

/// <summary>The paging rule every list endpoint shares (<see cref="Paging"/>).</summary>
public sealed class PagingTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 50)]
    [InlineData(1, Paging.MaxPageSize)]
    [InlineData(10_000, 200)]
    public void Pages_from_1_of_1_to_200_items_are_valid(int page, int pageSize) => Assert.Null(Paging.Validate(page, pageSize));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Pages_start_at_1(int page) => Assert.Equal(["page"], Paging.Validate(page, 10)!.Keys);

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(Paging.MaxPageSize + 1)]
    [InlineData(int.MaxValue)]
    public void A_page_holds_1_to_200_items(int pageSize) => Assert.Equal(["pageSize"], Paging.Validate(1, pageSize)!.Keys);

    [Fact]
    public void A_page_whose_first_item_is_beyond_any_offset_the_database_can_skip_is_refused()
    {
        var lastPossible = int.MaxValue / Paging.MaxPageSize + 1; // its first item still has an int offset

        Assert.Null(Paging.Validate(lastPossible, Paging.MaxPageSize));
        Assert.Equal("Beyond any page there can be.", Assert.Single(Paging.Validate(lastPossible + 1, Paging.MaxPageSize)!["page"]));
        Assert.Null(Paging.Validate(int.MaxValue, 1));
    }

    [Fact]
    public void The_page_s_errors_join_an_endpoint_s_other_errors()
    {
        var errors = new Dictionary<string, string[]> { ["status"] = ["Unknown status."] };

        Paging.AddErrors(errors, 0, 0);

        Assert.Equal(["page", "pageSize", "status"], errors.Keys.Order(StringComparer.Ordinal));
    }
}
