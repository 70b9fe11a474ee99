"use strict";
// Makes `require("vscode")` resolve to the stub, for the extension and vscode-languageclient alike.
const Module = require("module");
const path = require("path");
const stubPath = path.join(__dirname, "vscode-stub.js");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === "vscode") return stubPath;
  return resolve.call(this, request, ...rest);
};
module.exports = { vscode: require(stubPath) };
