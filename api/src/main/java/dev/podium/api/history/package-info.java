@ModuleGen(name = "podium-history", groupPackage = "dev.podium.api")
package dev.podium.api.history;

import io.vertx.codegen.annotations.ModuleGen;
