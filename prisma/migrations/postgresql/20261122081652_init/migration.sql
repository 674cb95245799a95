-- CreateTable
CREATE TABLE "Database" (
    "sequence" SERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TEXT NOT NULL,
    "updatedAt" TEXT NOT NULL,

    CONSTRAINT "Database_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "Collection" (
    "sequence" SERIAL NOT NULL,
    "databaseSequence" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "documentSecurity" BOOLEAN NOT NULL DEFAULT false,
    "permissions" TEXT NOT NULL DEFAULT '[]',
    "createdAt" TEXT NOT NULL,
    "updatedAt" TEXT NOT NULL,

    CONSTRAINT "Collection_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "Attribute" (
    "sequence" SERIAL NOT NULL,
    "collectionSequence" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "format" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'available',
    "error" TEXT NOT NULL DEFAULT '',
    "required" BOOLEAN NOT NULL DEFAULT false,
    "array" BOOLEAN NOT NULL DEFAULT false,
    "size" INTEGER,
    "min" TEXT,
    "max" TEXT,
    "elements" TEXT,
    "defaultValue" TEXT,
    "encrypt" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TEXT NOT NULL,
    "updatedAt" TEXT NOT NULL,

    CONSTRAINT "Attribute_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "Index" (
    "sequence" SERIAL NOT NULL,
    "collectionSequence" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'available',
    "error" TEXT NOT NULL DEFAULT '',
    "attributes" TEXT NOT NULL,
    "orders" TEXT NOT NULL,
    "lengths" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL,
    "updatedAt" TEXT NOT NULL,

    CONSTRAINT "Index_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "sequence" SERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "scopes" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "expire" TEXT,
    "createdAt" TEXT NOT NULL,
    "updatedAt" TEXT NOT NULL,
    "accessedAt" TEXT,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("sequence")
);

-- CreateIndex
CREATE UNIQUE INDEX "Database_id_key" ON "Database"("id");

-- CreateIndex
CREATE INDEX "Collection_databaseSequence_name_idx" ON "Collection"("databaseSequence", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Collection_databaseSequence_id_key" ON "Collection"("databaseSequence", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Attribute_collectionSequence_key_key" ON "Attribute"("collectionSequence", "key");

-- CreateIndex
CREATE UNIQUE INDEX "Index_collectionSequence_key_key" ON "Index"("collectionSequence", "key");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_id_key" ON "ApiKey"("id");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_secretHash_key" ON "ApiKey"("secretHash");

-- AddForeignKey
ALTER TABLE "Collection" ADD CONSTRAINT "Collection_databaseSequence_fkey" FOREIGN KEY ("databaseSequence") REFERENCES "Database"("sequence") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attribute" ADD CONSTRAINT "Attribute_collectionSequence_fkey" FOREIGN KEY ("collectionSequence") REFERENCES "Collection"("sequence") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Index" ADD CONSTRAINT "Index_collectionSequence_fkey" FOREIGN KEY ("collectionSequence") REFERENCES "Collection"("sequence") ON DELETE CASCADE ON UPDATE CASCADE;
