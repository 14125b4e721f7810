// Jest runs global set-up outside its module system, without moduleNameMapper: resolve the
// @ioc/* paths from tsconfig.json for it.
import { register } from 'tsconfig-paths';
import { compilerOptions } from '../../tsconfig.json';

register({ baseUrl: `${__dirname}/../..`, paths: compilerOptions.paths });
