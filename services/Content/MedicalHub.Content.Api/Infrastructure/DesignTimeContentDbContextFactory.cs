using MedicalHub.Data;

namespace MedicalHub.Content.Api.Infrastructure;

internal sealed class DesignTimeContentDbContextFactory : DesignTimeDbContextFactory<ContentDbContext>;
