using MedicalHub.Data.Migrations;
using MedicalHub.Communication.Api.Extensions;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Webhooks;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapDeliveryWebhooks();

await app.RunWithMigrationsAsync<CommunicationDbContext>(args);
