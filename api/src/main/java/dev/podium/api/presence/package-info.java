@ModuleGen(name = "podium-presence", groupPackage = "dev.podium.api")
package dev.podium.api.presence;

import io.vertx.codegen.annotations.ModuleGen;
