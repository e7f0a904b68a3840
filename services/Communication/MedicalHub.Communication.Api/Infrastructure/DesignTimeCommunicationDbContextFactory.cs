using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MedicalHub.Communication.Api.Infrastructure;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the service; it never connects.</summary>
internal sealed class DesignTimeCommunicationDbContextFactory : IDesignTimeDbContextFactory<CommunicationDbContext>
{
    public CommunicationDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CommunicationDbContext>()
            .UseNpgsql("Host=design-time-only")
            .UseSnakeCaseNamingConvention()
            .Options);
}
