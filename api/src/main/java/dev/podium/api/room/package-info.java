@ModuleGen(name = "podium-room", groupPackage = "dev.podium.api")
package dev.podium.api.room;

import io.vertx.codegen.annotations.ModuleGen;
